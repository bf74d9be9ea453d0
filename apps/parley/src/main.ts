import 'reflect-metadata';
import { runEmbedded } from '@parley/bootstrap';
import { calendarSyncService } from '@parley/calendar-sync/service';
import { ewsGatewayService } from '@parley/ews-gateway/service';
import { presenceBridgeService } from '@parley/presence-bridge/service';
import { voicemailIngestService } from '@parley/voicemail-ingest/service';

// The embedded mode: all four services in one process, in-process bus, PostgreSQL under ./data.
runEmbedded([calendarSyncService, presenceBridgeService, voicemailIngestService, ewsGatewayService]).catch((error: unknown) => {
  process.stderr.write(`parley failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
