import type { ServiceDatabaseSettings } from '@parley/config';
import { DynamicModule, Global, Module } from '@nestjs/common';
import { ServiceDatabase, createServiceDataSource, provideServiceDatabase } from '@parley/persistence';
import { DataSource } from 'typeorm';
import { PbxApiKeyEntity } from './pbx-api-key.entity';
import { PbxApiKeys1765100000000 } from './pbx-api-key.migration';

/** voicemail-ingest's schema. The mailbox message store's tables arrive with the SMTP ingest. */
export const voicemailIngestSchema = { schema: 'voicemail_ingest', entities: [PbxApiKeyEntity], migrations: [PbxApiKeys1765100000000] };

export class VoicemailIngestDatabase extends ServiceDatabase {}

export function createVoicemailIngestDataSource(url: string): DataSource {
  return createServiceDataSource({ service: 'voicemail-ingest', url, poolSize: 2, ...voicemailIngestSchema });
}

@Global()
@Module({})
export class VoicemailIngestDataAccessModule {
  static forRoot(config: ServiceDatabaseSettings): DynamicModule {
    return {
      module: VoicemailIngestDataAccessModule,
      providers: [provideServiceDatabase(VoicemailIngestDatabase, { service: 'voicemail-ingest', ...config, ...voicemailIngestSchema })],
      exports: [VoicemailIngestDatabase],
    };
  }
}
