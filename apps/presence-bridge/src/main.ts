import 'reflect-metadata';
import { runService } from '@parley/bootstrap';
import { presenceBridgeService } from '@parley/presence-bridge/service';

// presence-bridge as its own process (distributed mode). `main.js migrate` runs its migrations and exits.
runService(presenceBridgeService).catch((error: unknown) => {
  process.stderr.write(`presence-bridge failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
