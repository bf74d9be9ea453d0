// Specs of the workspace's tooling that need the built apps (the integration stage builds them first).
module.exports = {
  displayName: 'tools:integration',
  preset: '../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/**/*.integration-spec.ts'],
};
