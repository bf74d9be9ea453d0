module.exports = {
  displayName: 'ews-gateway-service',
  preset: '../../../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  coverageDirectory: '../../../coverage/libs/ews-gateway/service',
};
