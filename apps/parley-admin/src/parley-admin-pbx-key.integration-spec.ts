import { createTestDatabase } from '@parley/testing';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { parseCommand, UsageError } from './cli-args';
import { PbxKeyNotFoundError, type ResolvedCommand, runCommand } from './commands';

// `parley-admin pbx-key …` through the CLI's own code (argument parsing and commands, in process)
// on a real PostgreSQL migrated by `migrate`.

describe('parley-admin pbx-key', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let sql: DataSource;

  const run = async (...argv: string[]) => {
    const out: string[] = [];
    const note: string[] = [];
    await runCommand(
      parseCommand(argv) as ResolvedCommand,
      db.url,
      (l) => out.push(l),
      (l) => note.push(l),
    );
    return { out, note };
  };

  beforeAll(async () => {
    db = await createTestDatabase('parley_admin_pbx');
    await run('migrate');
    sql = new DataSource({ type: 'postgres', url: db.url });
    await sql.initialize();
  });

  afterAll(async () => {
    await sql?.destroy();
    await db?.drop();
  });

  it('issue prints the key once, alone on stdout; only its SHA-256 is stored', async () => {
    const { out, note } = await run('pbx-key', 'issue', 'asterisk-berlin');
    expect(out).toHaveLength(1);
    const [key] = out;
    expect(key).toMatch(/^pvk_[A-Za-z0-9_-]{43}$/);
    expect(note.join('\n')).toMatch(/shown this once/);
    const rows: Record<string, unknown>[] = await sql.query(`SELECT * FROM voicemail_ingest.pbx_api_key`);
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(key.slice(4));
    expect((rows[0]['key_hash'] as Buffer).equals(createHash('sha256').update(key).digest())).toBe(true);
    expect(rows[0]).toMatchObject({ name: 'asterisk-berlin', last_used_at: null, revoked_at: null });

    await expect(run('pbx-key', 'issue', 'Asterisk-Berlin')).rejects.toThrow(/in use/);
  });

  it('list shows every key; revoke by name or id; a second revoke finds nothing', async () => {
    await run('pbx-key', 'issue', 'freeswitch-hq');
    const listed = (await run('pbx-key', 'list')).out;
    expect(listed[0]).toMatch(/^ID\s+NAME\s+CREATED\s+LAST USED\s+STATE$/);
    expect(listed.slice(1).map((l) => l.split(/\s+/)[1])).toEqual(['asterisk-berlin', 'freeswitch-hq']);
    expect(listed.slice(1).every((l) => l.endsWith('active'))).toBe(true);

    expect((await run('pbx-key', 'revoke', 'ASTERISK-berlin')).out[0]).toMatch(/^revoked PBX key asterisk-berlin \(id [0-9a-f-]{36}\)/);
    const id = listed[2].split(/\s+/)[0];
    expect((await run('pbx-key', 'revoke', id)).out[0]).toMatch(/^revoked PBX key freeswitch-hq/);
    await expect(run('pbx-key', 'revoke', id)).rejects.toBeInstanceOf(PbxKeyNotFoundError);
    const after = (await run('pbx-key', 'list')).out;
    expect(after.slice(1).every((l) => / revoked \d{4}-/.test(l))).toBe(true);
  });

  it('refuses malformed command lines before connecting', () => {
    expect(() => parseCommand(['pbx-key', 'issue'])).toThrow(UsageError);
    expect(() => parseCommand(['pbx-key', 'issue', 'a', 'b'])).toThrow(UsageError);
    expect(() => parseCommand(['pbx-key', 'issue', 'tab\there'])).toThrow(UsageError);
    expect(() => parseCommand(['pbx-key', 'rotate'])).toThrow(/expected issue, list or revoke/);
    expect(parseCommand(['pbx-key', 'list'])).toEqual({ kind: 'pbx-key-list' });
  });
});
