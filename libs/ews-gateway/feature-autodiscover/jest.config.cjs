module.exports = {
  displayName: 'ews-gateway-feature-autodiscover',
  preset: '../../../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  coverageDirectory: '../../../coverage/libs/ews-gateway/feature-autodiscover',
};
