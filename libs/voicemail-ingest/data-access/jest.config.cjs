module.exports = {
  displayName: 'voicemail-ingest-data-access',
  preset: '../../../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  coverageDirectory: '../../../coverage/libs/voicemail-ingest/data-access',
};
