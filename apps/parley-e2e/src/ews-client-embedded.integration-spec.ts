// A real EWS client (ews-javascript-api, a port of Microsoft's EWS Managed API) and plain HTTP
// against the embedded app: the scenarios every deployment runs (ews-client-kafka runs the same
// ones against the four processes over Kafka), on one embedded app with its demo users.
import { ewsClientScenarios } from './ews-client.scenarios';
import { EwsDeployment, startEmbeddedEwsDeployment } from './ews-deployment';

describe('EWS with ews-javascript-api (embedded mode)', () => {
  let deployment: EwsDeployment;

  beforeAll(async () => {
    deployment = await startEmbeddedEwsDeployment();
  });

  afterAll(async () => {
    await deployment?.stop();
  });

  ewsClientScenarios(() => deployment);
});
