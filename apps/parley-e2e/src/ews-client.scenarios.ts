// Every client scenario suite, in the one order both deployments' runners use (ews-client-embedded,
// ews-client-kafka), which share one deployment per run. The order matters: the folder suite
// reads the calendar before the calendar suite books anything into it.
import { abuseScenarios } from './ews-abuse.scenarios';
import { autodiscoverScenarios } from './ews-autodiscover.scenarios';
import { availabilityScenarios } from './ews-availability.scenarios';
import { boundedWorkScenarios } from './ews-bounded-work.scenarios';
import { calendarScenarios } from './ews-calendar.scenarios';
import type { EwsDeployment } from './ews-deployment';
import { folderScenarios } from './ews-folders.scenarios';
import { httpFrontScenarios } from './ews-http-front.scenarios';
import { nameScenarios } from './ews-names.scenarios';
import { notificationScenarios } from './ews-notifications.scenarios';
import { oofScenarios } from './ews-oof.scenarios';
import { sendScenarios } from './ews-send.scenarios';
import { syncScenarios } from './ews-sync.scenarios';
import { taskScenarios } from './ews-tasks.scenarios';

export function ewsClientScenarios(deployment: () => EwsDeployment): void {
  oofScenarios(deployment);
  folderScenarios(deployment);
  nameScenarios(deployment);
  autodiscoverScenarios(deployment);
  calendarScenarios(deployment);
  availabilityScenarios(deployment);
  taskScenarios(deployment);
  notificationScenarios(deployment);
  syncScenarios(deployment);
  sendScenarios(deployment);
  abuseScenarios(deployment);
  boundedWorkScenarios(deployment);
  // Last: its connection-cap case fills the gateway's connection slots for a moment.
  httpFrontScenarios(deployment);
}
