module.exports = {
  displayName: 'ews-gateway-data-access',
  preset: '../../../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  coverageDirectory: '../../../coverage/libs/ews-gateway/data-access',
};
