import { createVoicemailIngestDataSource, PbxApiKeyRepository } from '@parley/voicemail-ingest/data-access';
import { PbxApiKeyService } from './pbx-api-key.service';

/**
 * Runs `work` with voicemail-ingest's own PBX key service on its schema at `url`, for the admin
 * CLI (`parley-admin pbx-key …`): the keys stay voicemail-ingest's, written by its code only.
 */
export async function withPbxApiKeyAdmin<T>(url: string, work: (keys: PbxApiKeyService) => Promise<T>): Promise<T> {
  const dataSource = createVoicemailIngestDataSource(url);
  // Failures are reported as one line by the CLI; TypeORM's query-error log would repeat them at length.
  dataSource.setOptions({ logging: [] });
  await dataSource.initialize();
  try {
    return await work(new PbxApiKeyService(new PbxApiKeyRepository(dataSource)));
  } finally {
    await dataSource.destroy();
  }
}
