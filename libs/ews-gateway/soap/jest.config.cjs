module.exports = {
  displayName: 'ews-gateway-soap',
  preset: '../../../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  coverageDirectory: '../../../coverage/libs/ews-gateway/soap',
};
