module.exports = {
  displayName: 'presence-bridge-data-access',
  preset: '../../../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  coverageDirectory: '../../../coverage/libs/presence-bridge/data-access',
};
