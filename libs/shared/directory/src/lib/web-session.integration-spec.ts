import { migrateServiceSchema, revertServiceSchema } from '@parley/persistence';
import { createTestDatabase } from '@parley/testing';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createDirectoryDataSource } from './directory.module';
import { DirectoryRepository } from './directory.repository';
import { WebSessionRepository } from './web-session.repository';

describe('web sessions on PostgreSQL', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let dataSource: DataSource;
  let directory: DirectoryRepository;
  let sessions: WebSessionRepository;
  const hash = () => createHash('sha256').update(randomBytes(32)).digest();
  const at = (iso: string) => new Date(iso);
  const count = async (sql: string, params: unknown[] = []) => ((await dataSource.query(sql, params)) as { n: number }[])[0].n;

  beforeAll(async () => {
    db = await createTestDatabase('web_session');
    dataSource = createDirectoryDataSource({ url: db.url, poolSize: 4, service: 'test' });
    await dataSource.initialize();
    await migrateServiceSchema(dataSource);
    directory = new DirectoryRepository(dataSource, { digestRealm: 'parley.test' });
    sessions = new WebSessionRepository(dataSource);
  });

  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  it('stores a session by token hash and finds it with its user until it expires', async () => {
    const user = await directory.add({ smtpAddress: 'ann@example.com', displayName: 'Ann', password: 'pw' });
    const tokenHash = hash();
    const id = await sessions.create(
      { tokenHash, userId: user.id, csrfToken: 'csrf-1', now: at('2030-01-01T08:00:00Z'), expiresAt: at('2030-01-01T16:00:00Z') },
      10,
    );
    const found = await sessions.findByTokenHash(tokenHash, at('2030-01-01T09:00:00Z'));
    expect(found).toEqual({
      id,
      csrfToken: 'csrf-1',
      createdAt: at('2030-01-01T08:00:00Z'),
      lastSeenAt: at('2030-01-01T08:00:00Z'),
      expiresAt: at('2030-01-01T16:00:00Z'),
      user,
    });
    await expect(sessions.findByTokenHash(tokenHash, at('2030-01-01T16:00:00Z'))).resolves.toBeNull();
    await expect(sessions.findByTokenHash(hash(), at('2030-01-01T09:00:00Z'))).resolves.toBeNull();
  });

  it('slides a session forward when touched', async () => {
    const user = await directory.add({ smtpAddress: 'ben@example.com', displayName: 'Ben', password: 'pw' });
    const tokenHash = hash();
    const id = await sessions.create(
      { tokenHash, userId: user.id, csrfToken: 'c', now: at('2030-01-01T08:00:00Z'), expiresAt: at('2030-01-01T09:00:00Z') },
      10,
    );
    await sessions.touch(id, at('2030-01-01T08:50:00Z'), at('2030-01-01T09:50:00Z'));
    await expect(sessions.findByTokenHash(tokenHash, at('2030-01-01T09:30:00Z'))).resolves.toMatchObject({
      lastSeenAt: at('2030-01-01T08:50:00Z'),
      expiresAt: at('2030-01-01T09:50:00Z'),
    });
  });

  it("does not resolve a disabled user's session, and removes a deleted user's sessions with the user", async () => {
    const user = await directory.add({ smtpAddress: 'cyd@example.com', displayName: 'Cyd', password: 'pw' });
    const tokenHash = hash();
    await sessions.create({ tokenHash, userId: user.id, csrfToken: 'c', now: at('2030-01-01T08:00:00Z'), expiresAt: at('2031-01-01') }, 10);
    await dataSource.query(`UPDATE directory.mailbox_user SET disabled = true WHERE id = $1`, [user.id]);
    await expect(sessions.findByTokenHash(tokenHash, at('2030-01-02'))).resolves.toBeNull();
    await dataSource.query(`DELETE FROM directory.mailbox_user WHERE id = $1`, [user.id]);
    expect(await count(`SELECT count(*)::int AS n FROM directory.web_session WHERE user_id = $1`, [user.id])).toBe(0);
  });

  it("ends a user's sessions when the password is set, and only that user's", async () => {
    const dee = await directory.add({ smtpAddress: 'dee@example.com', displayName: 'Dee', password: 'old' });
    const eve = await directory.add({ smtpAddress: 'eve@example.com', displayName: 'Eve', password: 'pw' });
    const dees = hash();
    const eves = hash();
    await sessions.create({ tokenHash: dees, userId: dee.id, csrfToken: 'c', now: at('2030-01-01'), expiresAt: at('2031-01-01') }, 10);
    await sessions.create({ tokenHash: eves, userId: eve.id, csrfToken: 'c', now: at('2030-01-01'), expiresAt: at('2031-01-01') }, 10);
    await directory.setPassword('dee@example.com', 'new');
    await expect(sessions.findByTokenHash(dees, at('2030-01-02'))).resolves.toBeNull();
    await expect(sessions.findByTokenHash(eves, at('2030-01-02'))).resolves.toMatchObject({ user: { smtpAddress: 'eve@example.com' } });
  });

  it('deletes by token hash, once', async () => {
    const user = await directory.add({ smtpAddress: 'fay@example.com', displayName: 'Fay', password: 'pw' });
    const tokenHash = hash();
    await sessions.create({ tokenHash, userId: user.id, csrfToken: 'c', now: at('2030-01-01'), expiresAt: at('2031-01-01') }, 10);
    await expect(sessions.deleteByTokenHash(tokenHash)).resolves.toBe(true);
    await expect(sessions.deleteByTokenHash(tokenHash)).resolves.toBe(false);
    await expect(sessions.findByTokenHash(tokenHash, at('2030-01-02'))).resolves.toBeNull();
  });

  it("keeps at most the user's most recently used sessions", async () => {
    const user = await directory.add({ smtpAddress: 'gus@example.com', displayName: 'Gus', password: 'pw' });
    const hashes = [hash(), hash(), hash(), hash()];
    for (const [i, tokenHash] of hashes.entries()) {
      await sessions.create(
        { tokenHash, userId: user.id, csrfToken: 'c', now: at(`2030-01-01T0${i}:00:00Z`), expiresAt: at('2031-01-01') },
        3,
      );
    }
    const alive = await Promise.all(hashes.map((h) => sessions.findByTokenHash(h, at('2030-01-02'))));
    expect(alive.map((s) => s !== null)).toEqual([false, true, true, true]);
  });

  it('removes expired sessions in bounded batches, oldest first', async () => {
    await dataSource.query(`DELETE FROM directory.web_session`);
    const user = await directory.add({ smtpAddress: 'hal@example.com', displayName: 'Hal', password: 'pw' });
    for (const expiresAt of ['2030-01-01T01:00:00Z', '2030-01-01T02:00:00Z', '2030-01-01T03:00:00Z', '2030-01-01T05:00:00Z']) {
      await sessions.create({ tokenHash: hash(), userId: user.id, csrfToken: 'c', now: at('2030-01-01'), expiresAt: at(expiresAt) }, 10);
    }
    await expect(sessions.deleteExpired(at('2030-01-01T04:00:00Z'), 2)).resolves.toBe(2);
    await expect(sessions.deleteExpired(at('2030-01-01T04:00:00Z'), 2)).resolves.toBe(1);
    await expect(sessions.deleteExpired(at('2030-01-01T04:00:00Z'), 2)).resolves.toBe(0);
    expect(await count(`SELECT count(*)::int AS n FROM directory.web_session`)).toBe(1);
  });

  it('refuses a token hash that is not SHA-256 sized, and two sessions with one hash', async () => {
    const user = await directory.add({ smtpAddress: 'ida@example.com', displayName: 'Ida', password: 'pw' });
    const row = (tokenHash: Buffer) => ({ tokenHash, userId: user.id, csrfToken: 'c', now: at('2030-01-01'), expiresAt: at('2031-01-01') });
    await expect(sessions.create(row(Buffer.alloc(16)), 10)).rejects.toThrow(/check constraint/);
    const tokenHash = hash();
    await sessions.create(row(tokenHash), 10);
    await expect(sessions.create(row(tokenHash), 10)).rejects.toThrow(/web_session_token_hash_key/);
  });

  it('the web session migration reverts and applies again', async () => {
    const tableExists = async () =>
      ((await dataSource.query(`SELECT to_regclass('directory.web_session') IS NOT NULL AS present`)) as { present: boolean }[])[0].present;
    await revertServiceSchema(dataSource, 1);
    expect(await tableExists()).toBe(false);
    await migrateServiceSchema(dataSource);
    expect(await tableExists()).toBe(true);
  });
});
