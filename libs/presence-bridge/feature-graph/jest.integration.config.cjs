module.exports = {
  displayName: 'presence-bridge-feature-graph:integration',
  preset: '../../../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/src/**/*.integration-spec.ts'],
  testTimeout: 60_000,
};
