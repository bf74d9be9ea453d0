// A real EWS client (ews-javascript-api, a port of Microsoft's EWS Managed API) and plain HTTP
// against the embedded app: the scenarios every deployment runs (ews-client-kafka runs the same
// ones against the four processes over Kafka), on one embedded app with its demo users.
import { abuseScenarios } from './ews-abuse.scenarios';
import { autodiscoverScenarios } from './ews-autodiscover.scenarios';
import { availabilityScenarios } from './ews-availability.scenarios';
import { calendarScenarios } from './ews-calendar.scenarios';
import { EwsDeployment, startEmbeddedEwsDeployment } from './ews-deployment';
import { folderScenarios } from './ews-folders.scenarios';
import { nameScenarios } from './ews-names.scenarios';
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
  folderScenarios(() => deployment);
  nameScenarios(() => deployment);
  autodiscoverScenarios(() => deployment);
  calendarScenarios(() => deployment);
  availabilityScenarios(() => deployment);
  taskScenarios(() => deployment);
  abuseScenarios(() => deployment);
});
