module.exports = {
  displayName: 'presence-bridge-feature-graph',
  preset: '../../../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  coverageDirectory: '../../../coverage/libs/presence-bridge/feature-graph',
};
