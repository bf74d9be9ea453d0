// Unit specs of the web client's logic (protocol client, formatting, catalogs, API wrapper), in
// Node: they import no component, so no DOM is needed.
module.exports = {
  displayName: 'parley-web',
  preset: '../../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  coverageDirectory: '../../coverage/apps/parley-web',
};
