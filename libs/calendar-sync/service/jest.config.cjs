module.exports = {
  displayName: 'calendar-sync-service',
  preset: '../../../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  coverageDirectory: '../../../coverage/libs/calendar-sync/service',
};
