#!/usr/bin/env node
// Lints source texts that need not exist on disk, each as if it were the file at its path, with the
// workspace's ESLint config: stdin is a JSON array of { filePath, code } (paths relative to the
// workspace root), stdout a JSON array of each file's messages ({ ruleId, line, message }).
// The module-boundary rule quietly skips every file when no project graph is cached, so one is
// computed first.
import { createProjectGraphAsync } from '@nx/devkit';
import { ESLint } from 'eslint';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);

let input = '';
for await (const chunk of process.stdin) input += chunk;
const files = JSON.parse(input);

await createProjectGraphAsync({ exitOnError: false });
const eslint = new ESLint({ cwd: root });
const results = [];
for (const { filePath, code } of files) {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, filePath) });
  results.push(result.messages.map(({ ruleId, line, message }) => ({ ruleId, line, message })));
}
process.stdout.write(JSON.stringify(results));
