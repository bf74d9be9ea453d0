// A real EWS client (ews-javascript-api, a port of Microsoft's EWS Managed API) against the
// embedded app: the client scenarios every deployment runs (ews-client-kafka runs the same ones
// against the four processes over Kafka), on one embedded app with its demo users.
import { availabilityScenarios } from './ews-availability.scenarios';
import { calendarScenarios } from './ews-calendar.scenarios';
import { EwsDeployment, startEmbeddedEwsDeployment } from './ews-deployment';
import { oofScenarios } from './ews-oof.scenarios';
import { taskScenarios } from './ews-tasks.scenarios';

describe('EWS with ews-javascript-api (embedded mode)', () => {
  let deployment: EwsDeployment;

  beforeAll(async () => {
    deployment = await startEmbeddedEwsDeployment();
  });

  afterAll(async () => {
    await deployment?.stop();
  });

  oofScenarios(() => deployment);
  calendarScenarios(() => deployment);
  availabilityScenarios(() => deployment);
  taskScenarios(() => deployment);
});
