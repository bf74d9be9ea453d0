import { createCalendarSyncDataSource, WorkingHoursRepository } from '@parley/calendar-sync/data-access';
import { createDirectoryDataSource, digestHa1, DirectoryRepository } from '@parley/directory';
import { verifyBearerToken } from '@parley/auth';
import { createTestDatabase, freePort } from '@parley/testing';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DataSource } from 'typeorm';

const bundle = path.resolve(__dirname, '../../../dist/apps/parley-admin/main.js');

interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built CLI as an operator would. (Not `startProcess`: that one gives the child no stdin,
 * and --password-stdin needs one.)
 */
function admin(args: string[], env: NodeJS.ProcessEnv, input = ''): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bundle, ...args], {
      env: { ...process.env, DATABASE_URL: undefined, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe('parley-admin CLI (the built bundle)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    if (!existsSync(bundle))
      throw new Error(`${bundle} is missing: build it first (npx webpack-cli build --config apps/parley-admin/webpack.config.cjs).`);
    db = await createTestDatabase('parley_admin');
    env = { DATABASE_URL: db.url };
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('prints usage for no arguments (exit 0) and for an unknown command on stderr (exit 2)', async () => {
    const help = await admin([], env);
    expect(help).toMatchObject({ status: 0, stderr: '' });
    expect(help.stdout).toContain('user add <address>');

    const unknown = await admin(['user', 'remove', 'x@example.com'], env);
    expect(unknown.status).toBe(2);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toContain('unknown user command: remove');
    expect(unknown.stderr).toContain('Usage:');

    expect((await admin(['user', 'list', '--verbose'], env)).status).toBe(2);
  });

  it('manages users and roles end to end', async () => {
    const before = await admin(['user', 'list'], env);
    expect(before.status).toBe(1);
    expect(before.stderr.trim()).toBe('parley-admin: the directory tables do not exist yet: run the migrate command first');

    const migrate = await admin(['migrate'], env);
    expect(migrate.stderr).toBe('');
    expect(migrate.status).toBe(0);
    for (const schema of ['directory', 'calendar_sync', 'presence_bridge', 'voicemail_ingest'])
      expect(migrate.stdout).toMatch(new RegExp(`^${schema}: applied `, 'm'));
    expect((await admin(['migrate'], env)).stdout).toContain('directory: up to date');

    const add = await admin(
      ['user', 'add', 'Dana.Doe@Example.com', '--name', 'Dana Doe', '--password', 'first-pw', '--extension', '2001'],
      env,
    );
    expect(add.stderr).toBe('');
    expect(add.status).toBe(0);
    expect(add.stdout).toContain('added dana.doe@example.com');
    expect(
      (await admin(['user', 'add', 'svc@example.com', '--name', 'Line-of-business app', '--password-stdin'], env, 'svc-pw\n')).status,
    ).toBe(0);

    const duplicate = await admin(['user', 'add', 'dana.doe@example.com', '--name', 'Someone Else'], env);
    expect(duplicate).toMatchObject({ status: 1, stdout: '' });
    expect(duplicate.stderr.trim()).toBe('parley-admin: dana.doe@example.com already exists');

    const invalid = await admin(['user', 'add', 'not-an-address', '--name', 'X'], env);
    expect(invalid.status).toBe(1);
    expect(invalid.stderr.trim()).toBe('parley-admin: not an SMTP address: not-an-address');

    const grant = await admin(
      ['role', 'grant', 'svc@example.com', 'ApplicationImpersonation', '--scope', 'dana.doe@example.com,Carol@Example.com'],
      env,
    );
    expect(grant.stderr).toBe('');
    expect(grant.status).toBe(0);
    expect((await admin(['role', 'grant', 'nobody@example.com', 'Admin'], env)).stderr.trim()).toBe(
      'parley-admin: no such user: nobody@example.com',
    );

    const list = await admin(['user', 'list'], env);
    expect(list.status).toBe(0);
    const lines = list.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ADDRESS\s+NAME\s+EXTENSION\s+ROLES$/);
    expect(lines[1]).toMatch(/^dana\.doe@example\.com\s+Dana Doe\s+2001\s+-$/);
    expect(lines[2]).toMatch(
      /^svc@example\.com\s+Line-of-business app\s+-\s+ApplicationImpersonation \(scope: dana\.doe@example\.com, carol@example\.com\)$/,
    );

    const passwd = await admin(['user', 'passwd', 'dana.doe@example.com', '--password-stdin'], env, 'second pw \n');
    expect(passwd.stderr).toBe('');
    expect(passwd.status).toBe(0);

    // What the services will see: checked through the repository, not through the CLI.
    const dataSource: DataSource = createDirectoryDataSource({ url: db.url, poolSize: 1, service: 'test' });
    await dataSource.initialize();
    try {
      const directory = new DirectoryRepository(dataSource);
      await expect(directory.authenticate('dana.doe@example.com', 'second pw ')).resolves.toMatchObject({
        displayName: 'Dana Doe',
        phoneExtension: '2001',
      });
      await expect(directory.authenticate('dana.doe@example.com', 'first-pw')).resolves.toBeNull();
      // The SIP digest HA1s of the new password, for the default PARLEY_SIP_REALM.
      for (const algorithm of ['SHA-256', 'MD5'] as const) {
        const stored = await directory.digestHa1('dana.doe@example.com', 'parley', algorithm);
        expect(stored?.equals(digestHa1('dana.doe@example.com', 'parley', 'second pw ', algorithm))).toBe(true);
      }
      const svc = await directory.authenticate('svc@example.com', 'svc-pw');
      expect(svc).toMatchObject({ roles: ['ApplicationImpersonation'], impersonationScope: ['dana.doe@example.com', 'carol@example.com'] });
    } finally {
      await dataSource.destroy();
    }
  });

  it('issues a bearer token signed with PARLEY_AUTH_TOKEN_KEY, or its former name PARLEY_EWS_TOKEN_KEY', async () => {
    // Runs after the test above, which migrated the database and added dana.
    const key = 'k'.repeat(40);
    const missingKey = await admin(['token', 'issue', 'dana.doe@example.com'], env);
    expect(missingKey).toMatchObject({ status: 1, stdout: '' });
    expect(missingKey.stderr.trim()).toBe(
      'parley-admin: PARLEY_AUTH_TOKEN_KEY is not set: set it to the key Parley verifies bearer tokens with (PARLEY_EWS_TOKEN_KEY, its former name, is read too)',
    );
    expect((await admin(['token', 'issue', 'dana.doe@example.com'], { ...env, PARLEY_AUTH_TOKEN_KEY: 'short' })).stderr).toContain(
      'PARLEY_AUTH_TOKEN_KEY: must be at least 32 characters',
    );
    expect((await admin(['token', 'issue', 'dana.doe@example.com'], { ...env, PARLEY_EWS_TOKEN_KEY: 'short' })).stderr).toContain(
      'PARLEY_EWS_TOKEN_KEY: must be at least 32 characters',
    );

    const before = Math.floor(Date.now() / 1000);
    const issued = await admin(['token', 'issue', 'Dana.Doe@Example.com', '--ttl', '600'], { ...env, PARLEY_AUTH_TOKEN_KEY: key });
    expect(issued.status).toBe(0);
    expect(issued.stderr).toMatch(/^bearer token for dana\.doe@example\.com, valid until \d{4}-/);
    const token = issued.stdout.trim();
    expect(issued.stdout).toBe(`${token}\n`); // only the token, so $(… token issue …) works
    const claims = verifyBearerToken(key, token);
    expect(claims?.sub).toBe('dana.doe@example.com');
    expect(claims?.exp).toBeGreaterThanOrEqual(before + 600);
    expect(claims?.exp).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 600);
    expect(verifyBearerToken('x'.repeat(40), token)).toBeUndefined();
    const underFormerName = await admin(['token', 'issue', 'dana.doe@example.com'], { ...env, PARLEY_EWS_TOKEN_KEY: key });
    expect(verifyBearerToken(key, underFormerName.stdout.trim())?.sub).toBe('dana.doe@example.com');

    const nobody = await admin(['token', 'issue', 'nobody@example.com'], { ...env, PARLEY_EWS_TOKEN_KEY: key });
    expect(nobody).toMatchObject({ status: 1, stdout: '' });
    expect(nobody.stderr.trim()).toBe('parley-admin: no such user: nobody@example.com');
    expect((await admin(['token', 'issue', 'dana.doe@example.com', '--ttl', '0'], { ...env, PARLEY_EWS_TOKEN_KEY: key })).status).toBe(2);
    expect((await admin(['token', 'revoke', 'dana.doe@example.com'], env)).stderr).toContain('unknown token command: revoke');
  });

  it("sets, shows and resets a user's working hours in calendar-sync's schema", async () => {
    // Runs after the tests above, which migrated the database and added dana.
    const show = () => admin(['working-hours', 'show', 'dana.doe@example.com'], env);
    expect(await show()).toMatchObject({
      status: 0,
      stderr: '',
      stdout:
        "dana.doe@example.com: the default (Monday to Friday 08:00-17:00 in calendar-sync's PARLEY_DEFAULT_WORKING_HOURS_TIME_ZONE)\n",
    });

    const set = await admin(
      [
        'working-hours',
        'set',
        'Dana.Doe@Example.com',
        '--time-zone',
        'Europe/Berlin',
        '--days',
        'fri-sun,wed',
        '--start',
        '7:30',
        '--end',
        '24:00',
      ],
      env,
    );
    expect(set).toMatchObject({ status: 0, stderr: '' });
    expect(set.stdout).toBe('set dana.doe@example.com: Sunday Wednesday Friday Saturday 07:30-24:00, W. Europe Standard Time\n');
    expect((await show()).stdout).toBe('dana.doe@example.com: Sunday Wednesday Friday Saturday 07:30-24:00, W. Europe Standard Time\n');

    // What calendar-sync will answer: checked through its repository, not through the CLI.
    const calendarSync = createCalendarSyncDataSource(db.url);
    await calendarSync.initialize();
    try {
      expect(await new WorkingHoursRepository(calendarSync).find('dana.doe@example.com')).toEqual({
        mailbox: 'dana.doe@example.com',
        workingHours: {
          timeZone: 'W. Europe Standard Time',
          days: ['Sunday', 'Wednesday', 'Friday', 'Saturday'],
          startMinutes: 450,
          endMinutes: 1440,
        },
        revision: 1,
      });
      // The change event waits in calendar-sync's outbox for the running service's relay.
      const pending = await calendarSync.query(
        `SELECT message_key FROM calendar_sync.outbox_message WHERE topic = 'calendar.working-hours.changed.v1' AND published_at IS NULL`,
      );
      expect(pending).toEqual([{ message_key: 'dana.doe@example.com' }]);
    } finally {
      await calendarSync.destroy();
    }

    const reset = await admin(['working-hours', 'reset', 'dana.doe@example.com'], env);
    expect(reset).toMatchObject({ status: 0, stderr: '' });
    expect(reset.stdout).toMatch(/^reset dana\.doe@example\.com: the default /);
    expect((await show()).stdout).toContain('the default');

    const nobody = await admin(['working-hours', 'set', 'nobody@example.com', '--time-zone', 'UTC'], env);
    expect(nobody).toMatchObject({ status: 1, stdout: '' });
    expect(nobody.stderr.trim()).toBe('parley-admin: no such user: nobody@example.com');
    const usageErrors: [string[], string][] = [
      [['--time-zone', 'Mars/Olympus'], '--time-zone: unknown time zone "Mars/Olympus"'],
      [[], 'working-hours set needs --time-zone'],
      [['--time-zone', 'UTC', '--start', '17:00', '--end', '08:00'], '--end must be after --start'],
      [['--time-zone', 'UTC', '--end', '24:01'], '--end must be a time from 00:00 to 24:00'],
      [['--time-zone', 'UTC', '--days', 'mon-someday'], '--days: unknown day "someday"'],
    ];
    for (const [args, message] of usageErrors) {
      const refused = await admin(['working-hours', 'set', 'dana.doe@example.com', ...args], env);
      expect(refused.status).toBe(2);
      expect(refused.stderr).toContain(message);
    }
  });

  describe('without DATABASE_URL (the embedded database)', () => {
    let dataDir: string;

    beforeEach(async () => {
      dataDir = await mkdtemp(path.join(tmpdir(), 'parley-admin-'));
    });

    afterEach(async () => {
      await rm(dataDir, { recursive: true, force: true });
    });

    it('asks for npm start or DATABASE_URL when Parley has never run here', async () => {
      const result = await admin(['user', 'list'], { PARLEY_DATA_DIR: dataDir });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('start Parley (npm start) or set DATABASE_URL');
    });

    it('asks for npm start or DATABASE_URL when the embedded database is not running', async () => {
      await writeFile(path.join(dataDir, 'postgres.credentials.json'), JSON.stringify({ user: 'parley', password: 'secret' }));
      const port = await freePort();
      const result = await admin(['user', 'list'], { PARLEY_DATA_DIR: dataDir, PARLEY_EMBEDDED_PG_PORT: String(port) });
      expect(result.status).toBe(1);
      expect(result.stderr.trim()).toBe(
        `parley-admin: DATABASE_URL is not set and no embedded database answers on 127.0.0.1:${port}: start Parley (npm start) or set DATABASE_URL`,
      );
    });
  });
});
