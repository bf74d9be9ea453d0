module.exports = {
  displayName: 'calendar-sync-feature-oof',
  preset: '../../../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  coverageDirectory: '../../../coverage/libs/calendar-sync/feature-oof',
};
