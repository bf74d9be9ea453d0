#!/usr/bin/env node
// Scaffolds a lib or app with the workspace's conventions (project.json with tags, tsconfigs,
// jest config, src/index.ts) and registers its path alias. Usage:
//   node tools/new-project.mjs lib libs/calendar-sync/data-access @parley/calendar-sync/data-access type:data-access scope:calendar-sync
//   node tools/new-project.mjs app apps/calendar-sync calendar-sync type:app scope:calendar-sync
import fs from 'node:fs';
import path from 'node:path';

const [kind, root, nameOrAlias, ...tags] = process.argv.slice(2);
if (!['lib', 'app'].includes(kind) || !root || !nameOrAlias) {
  console.error('usage: new-project.mjs lib|app <root> <alias|name> <tags...>');
  process.exit(2);
}
const up = root
  .split('/')
  .map(() => '..')
  .join('/');
const name = kind === 'app' ? nameOrAlias : nameOrAlias.replace(/^@parley\//, '').replace(/\//g, '-');
const write = (file, content) => {
  const full = path.join(root, file);
  if (fs.existsSync(full)) return;
  fs.mkdirSync(path.dirname(full), { recursive: true });
  fs.writeFileSync(full, typeof content === 'string' ? content : JSON.stringify(content, null, 2) + '\n');
};

const targets = {
  lint: { executor: '@nx/eslint:lint' },
  typecheck: { executor: 'nx:run-commands', options: { command: `tsc -p ${root}/tsconfig.spec.json --noEmit` } },
  test: {
    executor: '@nx/jest:jest',
    outputs: [`{workspaceRoot}/coverage/${root}`],
    options: { jestConfig: `${root}/jest.config.cjs`, passWithNoTests: true },
  },
};
if (kind === 'app') {
  targets.build = {
    executor: 'nx:run-commands',
    outputs: [`{workspaceRoot}/dist/${root}`],
    options: { command: `webpack-cli build --node-env=production`, cwd: root },
  };
  targets.serve = { executor: 'nx:run-commands', dependsOn: ['build'], options: { command: `node dist/${root}/main.js` } };
}
write('project.json', {
  name,
  $schema: `${up}/node_modules/nx/schemas/project-schema.json`,
  sourceRoot: `${root}/src`,
  projectType: kind === 'app' ? 'application' : 'library',
  tags,
  targets,
});
write('tsconfig.json', {
  extends: `${up}/tsconfig.base.json`,
  compilerOptions: { outDir: `${up}/dist/out-tsc` },
  include: ['src/**/*.ts'],
  exclude: ['src/**/*.spec.ts', 'src/**/*.integration-spec.ts'],
});
write('tsconfig.spec.json', {
  extends: './tsconfig.json',
  compilerOptions: { types: ['node', 'jest'] },
  include: ['src/**/*.ts', 'test/**/*.ts'],
});
write(
  'jest.config.cjs',
  `module.exports = {\n  displayName: '${name}',\n  preset: '${up}/jest.preset.js',\n  rootDir: '.',\n  testMatch: ['<rootDir>/src/**/*.spec.ts'],\n  coverageDirectory: '${up}/coverage/${root}',\n};\n`,
);
if (kind === 'lib') {
  write('src/index.ts', '');
  const base = JSON.parse(fs.readFileSync('tsconfig.base.json', 'utf8'));
  base.compilerOptions.paths[nameOrAlias] = [`./${root}/src/index.ts`];
  base.compilerOptions.paths = Object.fromEntries(Object.entries(base.compilerOptions.paths).sort());
  fs.writeFileSync('tsconfig.base.json', JSON.stringify(base, null, 2) + '\n');
}
console.log(`created ${kind} ${name} at ${root}`);
