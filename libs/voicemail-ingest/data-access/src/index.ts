export * from './lib/voicemail-ingest.database';
export * from './lib/pbx-api-key.entity';
export * from './lib/pbx-api-key.migration';
export * from './lib/pbx-api-key.repository';
