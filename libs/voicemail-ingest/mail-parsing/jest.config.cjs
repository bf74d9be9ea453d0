module.exports = {
  displayName: 'voicemail-ingest-mail-parsing',
  preset: '../../../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  coverageDirectory: '../../../coverage/libs/voicemail-ingest/mail-parsing',
};
