#!/usr/bin/env node
// Writes docs/presence-protocol.schema.json, the JSON Schema of the presence WebSocket protocol
// generated from its zod schemas (libs/presence-bridge/protocol), formatted as prettier formats it.
// `--check` writes nothing and exits 1 when the file is stale (the protocol lib's unit test checks
// the same in `npm test`).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import prettier from 'prettier';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
require('./ts-register.cjs');
const { compilerOptions } = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.base.json'), 'utf8'));
require('tsconfig-paths').register({ baseUrl: root, paths: compilerOptions.paths });
const { presenceProtocolJsonSchema } = require(path.join(root, 'libs/presence-bridge/protocol/src/index.ts'));

const file = path.join(root, 'docs/presence-protocol.schema.json');
const options = { ...(await prettier.resolveConfig(file)), filepath: file };
const text = await prettier.format(JSON.stringify(presenceProtocolJsonSchema()), options);
const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
if (current === text) {
  console.log(`${path.relative(root, file)} is up to date`);
} else if (process.argv.includes('--check')) {
  console.error(`${path.relative(root, file)} is out of date: run node tools/presence-protocol-schema.mjs`);
  process.exitCode = 1;
} else {
  fs.writeFileSync(file, text);
  console.log(`wrote ${path.relative(root, file)}`);
}
