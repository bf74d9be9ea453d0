import 'reflect-metadata';
import { runService } from '@parley/bootstrap';
import { ewsGatewayService } from '@parley/ews-gateway/service';

// ews-gateway as its own process (distributed mode). `main.js migrate` runs its migrations and exits.
runService(ewsGatewayService).catch((error: unknown) => {
  process.stderr.write(`ews-gateway failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
