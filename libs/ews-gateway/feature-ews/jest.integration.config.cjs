module.exports = {
  displayName: 'ews-gateway-feature-ews:integration',
  preset: '../../../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/src/**/*.integration-spec.ts'],
  testTimeout: 60_000,
};
