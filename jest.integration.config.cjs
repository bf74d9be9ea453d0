// Every project's integration tests (real PostgreSQL, real Kafka) in one Jest run.
// testTimeout is a global option: project configs cannot set it when run together.
module.exports = {
  testTimeout: 180_000,
  projects: [
    '<rootDir>/libs/*/*/jest.integration.config.cjs',
    '<rootDir>/apps/*/jest.integration.config.cjs',
    '<rootDir>/tools/jest.integration.config.cjs',
  ],
};
