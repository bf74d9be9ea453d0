export * from './lib/voicemail-ingest.database';
