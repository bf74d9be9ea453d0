module.exports = {
  displayName: 'ews-gateway-feature-web',
  preset: '../../../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  coverageDirectory: '../../../coverage/libs/ews-gateway/feature-web',
};
