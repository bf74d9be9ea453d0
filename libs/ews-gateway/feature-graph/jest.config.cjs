module.exports = {
  displayName: 'ews-gateway-feature-graph',
  preset: '../../../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  coverageDirectory: '../../../coverage/libs/ews-gateway/feature-graph',
};
