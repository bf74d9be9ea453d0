#!/usr/bin/env node
// Writes the configuration docs generated from the env schemas (libs/shared/config): `.env.example`
// and the README's configuration table. `--check` writes nothing and exits 1 when either is stale
// (libs/shared/config/src/lib/env-docs.spec.ts checks the same in `npm test`).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
require('./ts-register.cjs');
const { compilerOptions } = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.base.json'), 'utf8'));
require('tsconfig-paths').register({ baseUrl: root, paths: compilerOptions.paths });
const { renderEnvExample, withReadmeTable } = require(path.join(root, 'libs/shared/config/src/index.ts'));

const check = process.argv.includes('--check');
const readmeFile = path.join(root, 'README.md');
const outputs = [
  { file: path.join(root, '.env.example'), text: renderEnvExample() },
  { file: readmeFile, text: withReadmeTable(fs.readFileSync(readmeFile, 'utf8')) },
];
let stale = false;
for (const { file, text } of outputs) {
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
  if (current === text) continue;
  if (check) {
    stale = true;
    console.error(`${path.relative(root, file)} is out of date: run node tools/env-example.mjs`);
  } else {
    fs.writeFileSync(file, text);
    console.log(`wrote ${path.relative(root, file)}`);
  }
}
process.exitCode = stale ? 1 : 0;
