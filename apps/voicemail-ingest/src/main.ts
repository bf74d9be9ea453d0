import 'reflect-metadata';
import { runService } from '@parley/bootstrap';
import { voicemailIngestService } from '@parley/voicemail-ingest/service';

// voicemail-ingest as its own process (distributed mode). `main.js migrate` runs its migrations and exits.
runService(voicemailIngestService).catch((error: unknown) => {
  process.stderr.write(`voicemail-ingest failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
