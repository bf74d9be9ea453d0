import { readFileSync } from 'node:fs';
import path from 'node:path';
import { envKeyUses, README_TABLE_END, README_TABLE_START, renderEnvExample, withReadmeTable } from './env-docs';

const repoRoot = path.resolve(__dirname, '../../../../..');
const read = (file: string) => readFileSync(path.join(repoRoot, file), 'utf8');
const REGENERATE = 'run `node tools/env-example.mjs` and commit the result';

/** Every literal default of each documented variable, over all apps (they may differ per app). */
function literalDefaults(): Map<string, Set<string>> {
  const defaults = new Map<string, Set<string>>();
  for (const use of envKeyUses(['parley', 'ews-gateway', 'presence-bridge', 'voicemail-ingest', 'calendar-sync', 'parley-admin'])) {
    defaults.set(use.key, new Set([...use.byApp.values()].flatMap((doc) => (doc.default === undefined ? [] : [doc.default]))));
  }
  return defaults;
}

/**
 * Defaults the docs state in their text right after a variable's name: "`KEY` (1000)",
 * "(`KEY`, default 4096)", "`…$KEY` (default 15432)", "`KEY` (default 60 s; …)". Seconds are
 * converted for `_MS` variables.
 */
function statedDefaults(text: string): { key: string; value: string; where: string }[] {
  const pattern = /`[^`\n]*?\$?\b([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)`(?:, default | \(default | \()(\d[\d,]*)( ms| s)?(?=[),;])/g;
  return [...text.matchAll(pattern)].map((m) => {
    const number = Number(m[2].replace(/,/g, ''));
    const value = m[3] === ' s' && m[1].endsWith('_MS') ? number * 1000 : number;
    return { key: m[1], value: String(value), where: m[0] };
  });
}

describe('configuration docs', () => {
  it('.env.example is what the schemas generate', () => {
    expect({ file: '.env.example', text: read('.env.example'), fix: REGENERATE }).toEqual({
      file: '.env.example',
      text: renderEnvExample(),
      fix: REGENERATE,
    });
  });

  it("README's configuration table is what the schemas generate", () => {
    const readme = read('README.md');
    expect(readme).toContain(README_TABLE_START);
    expect(readme).toContain(README_TABLE_END);
    expect({ text: readme, fix: REGENERATE }).toEqual({ text: withReadmeTable(readme), fix: REGENERATE });
  });

  it("README's table has a row for every variable, with the schema's default", () => {
    const rows = new Map([...read('README.md').matchAll(/^\| `([A-Z0-9_]+)` \| ([^|]*) \|/gm)].map((m) => [m[1], m[2].trim()] as const));
    const defaults = literalDefaults();
    for (const use of envKeyUses()) {
      const cell = rows.get(use.key);
      expect({ key: use.key, inTable: cell !== undefined }).toEqual({ key: use.key, inTable: true });
      for (const value of defaults.get(use.key) ?? [])
        expect({ key: use.key, cell }).toEqual({ key: use.key, cell: expect.stringContaining(`\`${value}\``) });
    }
    const known = new Set(envKeyUses().map((use) => use.key));
    expect([...rows.keys()].filter((key) => !known.has(key))).toEqual([]);
  });

  it.each(['docs/operations.md', 'docs/architecture.md', 'docs/benchmarks.md', 'docs/presence-protocol.md'])(
    '%s states the schema defaults',
    (file) => {
      const defaults = literalDefaults();
      const stated = statedDefaults(read(file));
      for (const { key, value, where } of stated) {
        expect({ where, defaults: [...(defaults.get(key) ?? [])] }).toEqual({ where, defaults: expect.arrayContaining([value]) });
      }
      // The check must have something to check: each file names defaults this way.
      expect(stated.length).toBeGreaterThan(0);
    },
  );

  it('reads stated defaults in the forms the docs use', () => {
    expect(statedDefaults('(`PARLEY_HTTP_MAX_CONNECTIONS`, default 4096): a')).toEqual([
      expect.objectContaining({ key: 'PARLEY_HTTP_MAX_CONNECTIONS', value: '4096' }),
    ]);
    expect(statedDefaults('`127.0.0.1:$PARLEY_EMBEDDED_PG_PORT` (default 15432) only')).toEqual([
      expect.objectContaining({ key: 'PARLEY_EMBEDDED_PG_PORT', value: '15432' }),
    ]);
    expect(statedDefaults('`PARLEY_EWS_FREE_BUSY_CACHE_MS` (default 60 s; 0 turns')).toEqual([expect.objectContaining({ value: '60000' })]);
    expect(statedDefaults('`PARLEY_OUTBOX_BATCH_SIZE` (1,000) per')).toEqual([expect.objectContaining({ value: '1000' })]);
    expect(statedDefaults('(`PARLEY_OUTBOX_POLL_MS`, 200 ms in the e2e)')).toEqual([]);
  });
});
