// Every project's unit tests in one Jest run (one worker pool instead of one process per project).
module.exports = {
  projects: ['<rootDir>/libs/*/*/jest.config.cjs', '<rootDir>/apps/parley-web/jest.config.cjs', '<rootDir>/tools/jest.config.cjs'],
};
