module.exports = {
  displayName: 'presence-bridge-service',
  preset: '../../../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  coverageDirectory: '../../../coverage/libs/presence-bridge/service',
};
