import 'reflect-metadata';
import { runService } from '@parley/bootstrap';
import { calendarSyncService } from '@parley/calendar-sync/service';

// calendar-sync as its own process (distributed mode). `main.js migrate` runs its migrations and exits.
runService(calendarSyncService).catch((error: unknown) => {
  process.stderr.write(`calendar-sync failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
