module.exports = {
  displayName: 'calendar-sync-data-access',
  preset: '../../../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  coverageDirectory: '../../../coverage/libs/calendar-sync/data-access',
};
