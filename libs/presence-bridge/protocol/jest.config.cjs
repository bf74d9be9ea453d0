module.exports = {
  displayName: 'presence-bridge-protocol',
  preset: '../../../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  coverageDirectory: '../../../coverage/libs/presence-bridge/protocol',
};
