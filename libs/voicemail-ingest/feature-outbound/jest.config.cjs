module.exports = {
  displayName: 'voicemail-ingest-feature-outbound',
  preset: '../../../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  coverageDirectory: '../../../coverage/libs/voicemail-ingest/feature-outbound',
};
