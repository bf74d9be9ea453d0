module.exports = {
  displayName: 'voicemail-ingest-feature-mailbox',
  preset: '../../../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  coverageDirectory: '../../../coverage/libs/voicemail-ingest/feature-mailbox',
};
