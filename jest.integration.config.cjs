// Every project's integration tests (real PostgreSQL, real Kafka) in one Jest run.
module.exports = {
  projects: ['<rootDir>/libs/*/*/jest.integration.config.cjs', '<rootDir>/apps/*/jest.integration.config.cjs'],
};
