module.exports = {
  displayName: 'calendar-sync-feature-calendar',
  preset: '../../../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  coverageDirectory: '../../../coverage/libs/calendar-sync/feature-calendar',
};
