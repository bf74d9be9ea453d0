module.exports = {
  displayName: 'voicemail-ingest-service',
  preset: '../../../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  coverageDirectory: '../../../coverage/libs/voicemail-ingest/service',
};
