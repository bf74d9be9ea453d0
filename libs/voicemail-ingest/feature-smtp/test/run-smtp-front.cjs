// Starts an SmtpFront in a child process of its own (for the SIGHUP test: Jest's sandbox never
// sees process signals). Config as JSON in PARLEY_TEST_SMTP_CONFIG; prints `ready` once listening.
const fs = require('node:fs');
const path = require('node:path');
const root = path.resolve(__dirname, '../../../..');
require(path.join(root, 'tools/ts-register.cjs'));
const { compilerOptions } = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.base.json'), 'utf8'));
require('tsconfig-paths').register({ baseUrl: root, paths: compilerOptions.paths });
require('./smtp-front-process.ts')
  .run(JSON.parse(process.env.PARLEY_TEST_SMTP_CONFIG))
  .then(() => process.stdout.write('ready\n'))
  .catch((error) => {
    process.stderr.write(`${error.stack}\n`);
    process.exit(1);
  });
