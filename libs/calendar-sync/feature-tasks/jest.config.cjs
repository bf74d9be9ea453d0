module.exports = {
  displayName: 'calendar-sync-feature-tasks',
  preset: '../../../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  coverageDirectory: '../../../coverage/libs/calendar-sync/feature-tasks',
};
