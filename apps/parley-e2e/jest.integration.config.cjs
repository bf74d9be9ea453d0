module.exports = {
  displayName: 'parley-e2e',
  preset: '../../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/src/**/*.integration-spec.ts'],
  testTimeout: 180_000,
  // sip.js (the SIP scenarios' PUBLISH client) ships ES modules only; Jest runs CommonJS here, so its files are compiled to CommonJS like our own.
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
    '/node_modules/sip\\.js/.+\\.js$': [
      'ts-jest',
      { tsconfig: { allowJs: true, module: 'commonjs', moduleResolution: 'node10', ignoreDeprecations: '6.0' } },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!sip\\.js/)'],
};
