module.exports = {
  displayName: 'presence-bridge-feature-presence',
  preset: '../../../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  coverageDirectory: '../../../coverage/libs/presence-bridge/feature-presence',
};
