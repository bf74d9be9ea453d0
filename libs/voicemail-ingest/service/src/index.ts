export * from './lib/voicemail-ingest.module';
