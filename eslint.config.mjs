import nx from '@nx/eslint-plugin';

// Module boundaries: the layering matrix from docs/architecture.md, enforced.
// type: app → service → feature → data-access → util → contracts; testing only from tests.
// scope: a service's libs see only themselves and shared; the embedded app sees everything.
const layers = [
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:service', 'type:feature', 'type:data-access', 'type:util', 'type:contracts'] },
  { sourceTag: 'type:service', onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:util', 'type:contracts'] },
  // feature → a `role:core` feature of its scope: a protocol front (Graph REST, WebSocket) uses its service's
  // core through the abstract ports that core exports (presence-bridge's feature-presence); other features stay apart.
  { sourceTag: 'type:feature', onlyDependOnLibsWithTags: ['type:data-access', 'type:util', 'type:contracts', 'role:core'] },
  // data-access → data-access: a service's auth lib reads the shared directory (itself data-access).
  { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: ['type:data-access', 'type:util', 'type:contracts'] },
  { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util', 'type:contracts'] },
  { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:contracts'] },
  { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['*'] },
  // testing → a `role:core` feature: a service's testing lib composes its core for the fronts' test beds; the
  // scope rules keep it to its own service (and `@parley/testing`, scope:shared, off every service's libs).
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:util', 'type:contracts', 'type:data-access', 'role:core'] },
];
const scopes = [
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
  { sourceTag: 'scope:ews-gateway', onlyDependOnLibsWithTags: ['scope:ews-gateway', 'scope:shared'] },
  { sourceTag: 'scope:calendar-sync', onlyDependOnLibsWithTags: ['scope:calendar-sync', 'scope:shared'] },
  { sourceTag: 'scope:presence-bridge', onlyDependOnLibsWithTags: ['scope:presence-bridge', 'scope:shared'] },
  { sourceTag: 'scope:voicemail-ingest', onlyDependOnLibsWithTags: ['scope:voicemail-ingest', 'scope:shared'] },
  { sourceTag: 'scope:all', onlyDependOnLibsWithTags: ['*'] },
  // The browser client reads the presence protocol's message types (as `import type`, erased from the
  // bundle; apps/parley-web/build.mjs refuses server code in it) and nothing else of the server.
  { sourceTag: 'scope:web', onlyDependOnLibsWithTags: ['scope:presence-bridge', 'scope:shared'] },
];
// Tests obey their project's matrix too; the one addition is the `type:testing` projects. Scopes
// are unchanged, so a spec can no more reach another service's libs than the code it tests.
const testLayers = layers.map((layer) =>
  layer.onlyDependOnLibsWithTags.includes('*')
    ? layer
    : { ...layer, onlyDependOnLibsWithTags: [...layer.onlyDependOnLibsWithTags, 'type:testing'] },
);
const moduleBoundaries = (depConstraints) => [
  'error',
  { enforceBuildableLibDependency: true, banTransitiveDependencies: false, allow: [], depConstraints },
];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  { ignores: ['**/dist', '**/node_modules', '**/tmp', '**/data', '**/.kafka', '**/*.mjs', '**/*.js'] },
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': moduleBoundaries([...layers, ...scopes]),
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@parley/*/src/*', '@parley/*/*/src/*', '../../libs/*', '../../../libs/*'],
              message: 'Import a lib through its alias (its src/index.ts), never a deep path.',
            },
          ],
        },
      ],
    },
  },
  {
    // The web client runs in browsers: no Node modules, no Node globals, no server code at run time.
    files: ['apps/parley-web/src/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'inline-type-imports' }],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'The web client runs in browsers: no Node modules.' },
            {
              group: ['@parley/*', '@parley/*/*'],
              allowTypeImports: true,
              message: 'Only types from the server libs (import type): their code must not reach the bundle.',
            },
            { group: ['zod'], message: "zod is the server's validator; the web client must not bundle it." },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'process', 'Buffer', 'require', '__dirname', '__filename', 'global'],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.integration-spec.ts', '**/test/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': moduleBoundaries([...testLayers, ...scopes]) },
  },
];
