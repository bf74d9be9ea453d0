module.exports = {
  displayName: 'presence-bridge-feature-sip:integration',
  preset: '../../../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/src/**/*.integration-spec.ts'],
  testTimeout: 60_000,
  // sip.js ships ES modules only; Jest runs CommonJS here, so its files are compiled to CommonJS like our own.
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
    '/node_modules/sip\\.js/.+\\.js$': [
      'ts-jest',
      { tsconfig: { allowJs: true, module: 'commonjs', moduleResolution: 'node10', ignoreDeprecations: '6.0' } },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!sip\\.js/)'],
};
