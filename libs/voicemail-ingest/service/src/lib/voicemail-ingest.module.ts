import type { ServiceDefinition } from '@parley/config';
import { DynamicModule, Module } from '@nestjs/common';
import type { ServiceDatabaseSettings } from '@parley/config';
import { createVoicemailIngestDataSource, VoicemailIngestDataAccessModule } from '@parley/voicemail-ingest/data-access';

/** voicemail-ingest: the mailbox message store and the SMTP/HTTP voicemail drop. */
@Module({})
export class VoicemailIngestModule {
  static forRoot(database: ServiceDatabaseSettings): DynamicModule {
    return { module: VoicemailIngestModule, imports: [VoicemailIngestDataAccessModule.forRoot(database)] };
  }

  static readonly createDataSource = createVoicemailIngestDataSource;
}

/** How to run voicemail-ingest: alone (its app) or inside the embedded process. */
export const voicemailIngestService: ServiceDefinition = {
  name: 'voicemail-ingest',
  consumes: false,
  authenticates: false,
  requestTopics: [],
  module: ({ database }) => VoicemailIngestModule.forRoot(database),
  createDataSource: (url) => VoicemailIngestModule.createDataSource(url),
};
