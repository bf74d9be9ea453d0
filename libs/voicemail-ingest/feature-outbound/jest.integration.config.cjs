module.exports = {
  displayName: 'voicemail-ingest-feature-outbound:integration',
  preset: '../../../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/src/**/*.integration-spec.ts'],
  testTimeout: 60_000,
};
