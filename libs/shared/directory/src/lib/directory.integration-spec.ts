import { createTestDatabase } from '@parley/testing';
import { DataSource } from 'typeorm';
import { migrateServiceSchema, revertServiceSchema } from '@parley/persistence';
import { createDirectoryDataSource } from './directory.module';
import { DirectoryError, DirectoryRepository } from './directory.repository';
import { demoUsers, seedDemoUsers } from './demo-users';
import { Roles } from './mailbox-user.entity';
import { digestHa1 } from './digest-ha1';
import { sipAddressOf } from './sip-address';

describe('directory on PostgreSQL', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let dataSource: DataSource;
  let directory: DirectoryRepository;

  beforeAll(async () => {
    db = await createTestDatabase('directory');
    dataSource = createDirectoryDataSource({ url: db.url, poolSize: 4, service: 'test' });
    await dataSource.initialize();
    await migrateServiceSchema(dataSource);
    directory = new DirectoryRepository(dataSource, { digestRealm: 'parley.test' });
  });

  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  it('adds users with lower-cased addresses and authenticates them case-insensitively', async () => {
    const user = await directory.add({
      smtpAddress: 'Dana.Doe@Example.COM',
      displayName: 'Dana Doe',
      password: 's3cret!',
      phoneExtension: '2001',
    });
    expect(user).toMatchObject({ smtpAddress: 'dana.doe@example.com', sipUri: 'sip:dana.doe@example.com', roles: [] });
    expect(user).not.toHaveProperty('passwordHash');
    await expect(directory.authenticate('DANA.doe@example.com', 's3cret!')).resolves.toMatchObject({ displayName: 'Dana Doe' });
    await expect(directory.authenticate('dana.doe@example.com', 'wrong')).resolves.toBeNull();
    await expect(directory.authenticate('nobody@example.com', 's3cret!')).resolves.toBeNull();
  });

  it('refuses duplicates and malformed addresses', async () => {
    await expect(directory.add({ smtpAddress: 'dana.doe@example.com', displayName: 'Again' })).rejects.toMatchObject({
      code: 'UserExists',
    });
    await expect(directory.add({ smtpAddress: 'not-an-address', displayName: 'X' })).rejects.toBeInstanceOf(DirectoryError);
  });

  it('grants impersonation with and without a scope', async () => {
    await directory.add({ smtpAddress: 'svc@example.com', displayName: 'Service', password: 'pw' });
    const dana = await directory.findByAddress('dana.doe@example.com');
    if (!dana) throw new Error('dana.doe@example.com was not stored');
    let svc = await directory.grantRole('svc@example.com', Roles.applicationImpersonation, ['someone-else@example.com']);
    expect(DirectoryRepository.mayImpersonate(svc, dana)).toBe(false);
    svc = await directory.grantRole('svc@example.com', Roles.applicationImpersonation);
    expect(DirectoryRepository.mayImpersonate(svc, dana)).toBe(true);
    svc = await directory.revokeRole('svc@example.com', Roles.applicationImpersonation);
    expect(DirectoryRepository.mayImpersonate(svc, dana)).toBe(false);
  });

  it('seeds the demo users idempotently', async () => {
    await expect(seedDemoUsers(directory)).resolves.toEqual(demoUsers.map((u) => u.smtpAddress));
    await expect(seedDemoUsers(directory)).resolves.toEqual([]);
    await expect(directory.findByAddress('app@parley.test')).resolves.toMatchObject({
      roles: [Roles.applicationImpersonation],
      impersonationScope: null,
    });
    const addresses = (await directory.list()).map((u) => u.smtpAddress);
    for (const demo of demoUsers) expect(addresses.filter((a) => a === demo.smtpAddress)).toHaveLength(1);
    await expect(directory.authenticate(demoUsers[0].smtpAddress, demoUsers[0].password)).resolves.not.toBeNull();
  });

  it('seeding never re-grants, re-scopes or resets what an administrator changed', async () => {
    await directory.grantRole('app@parley.test', Roles.applicationImpersonation, ['bob@parley.test']);
    await directory.revokeRole('bob@parley.test', Roles.applicationImpersonation);
    await directory.grantRole('carol@parley.test', Roles.applicationImpersonation);
    await directory.revokeRole('carol@parley.test', Roles.applicationImpersonation);
    await directory.setPassword('alice@parley.test', 'changed by the admin');
    await expect(seedDemoUsers(directory)).resolves.toEqual([]);
    await expect(directory.findByAddress('app@parley.test')).resolves.toMatchObject({
      roles: [Roles.applicationImpersonation],
      impersonationScope: ['bob@parley.test'],
    });
    await expect(directory.findByAddress('carol@parley.test')).resolves.toMatchObject({ roles: [], impersonationScope: null });
    await expect(directory.authenticate('alice@parley.test', 'changed by the admin')).resolves.not.toBeNull();
    await expect(directory.authenticate('alice@parley.test', demoUsers[0].password)).resolves.toBeNull();
    await directory.revokeRole('app@parley.test', Roles.applicationImpersonation);
    await seedDemoUsers(directory);
    await expect(directory.findByAddress('app@parley.test')).resolves.toMatchObject({ roles: [], impersonationScope: null });
  });

  it('tells which of many addresses are enabled users, in one query, case-insensitively', async () => {
    await directory.add({ smtpAddress: 'gil@example.com', displayName: 'Gil' });
    await directory.add({ smtpAddress: 'hal@example.com', displayName: 'Hal' });
    await dataSource.query(`UPDATE directory.mailbox_user SET disabled = true WHERE smtp_address = 'hal@example.com'`);
    await expect(
      directory.enabledAmong(['GIL@example.com', 'hal@example.com', 'nobody@example.com', 'x\u0000@example.com']),
    ).resolves.toEqual(new Set(['gil@example.com']));
    await expect(directory.enabledAmong([])).resolves.toEqual(new Set());
  });

  it('finds users by address or object id in one lookup, each once, leaving out the unknown and the disabled', async () => {
    await directory.add({ smtpAddress: 'keys-a@example.com', displayName: 'A', password: 'pw' });
    const b = await directory.add({ smtpAddress: 'keys-b@example.com', displayName: 'B', password: 'pw' });
    await directory.add({ smtpAddress: 'keys-off@example.com', displayName: 'Off', password: 'pw' });
    await dataSource.query(`UPDATE directory.mailbox_user SET disabled = true WHERE smtp_address = 'keys-off@example.com'`);
    const found = await directory.findByKeys([
      ' Keys-A@Example.com',
      b.id.toUpperCase(),
      'keys-b@example.com',
      'keys-off@example.com',
      'nobody@example.com',
      '00000000-0000-0000-0000-000000000000',
      'not-an-id',
      'x\u0000@example.com',
    ]);
    expect(found.map((u) => u.smtpAddress).sort()).toEqual(['keys-a@example.com', 'keys-b@example.com']);
    await expect(directory.findByKeys([])).resolves.toEqual([]);
  });

  it('finds nothing for an address with a NUL byte instead of failing the query', async () => {
    await expect(directory.authenticate('dana.doe@example.com\u0000', 's3cret!')).resolves.toBeNull();
    await expect(directory.findByAddress('\u0000')).resolves.toBeNull();
    await expect(directory.exists('a\u0000b@example.com')).resolves.toBe(false);
    await expect(directory.search('da\u0000', 10)).resolves.toEqual([]);
  });

  it('searches by address and display-name word prefixes, case-insensitively and bounded', async () => {
    await directory.add({ smtpAddress: 'erin.e@example.com', displayName: 'Erin Evans' });
    await directory.add({ smtpAddress: 'frank_f@example.com', displayName: 'Frank 100% Fox' });
    const addresses = async (prefix: string, limit = 10) => (await directory.search(prefix, limit)).map((u) => u.smtpAddress);
    await expect(addresses('ERI')).resolves.toEqual(['erin.e@example.com']);
    await expect(addresses('evans')).resolves.toEqual(['erin.e@example.com']);
    await expect(addresses('fox')).resolves.toEqual(['frank_f@example.com']);
    await expect(addresses('frank_')).resolves.toEqual(['frank_f@example.com']);
    await expect(addresses('e_')).resolves.toEqual([]);
    await expect(addresses('%')).resolves.toEqual([]);
    await expect(addresses('')).resolves.toEqual([]);
    await expect(addresses('e', 1)).resolves.toHaveLength(1);
  });

  it('searches display names and addresses for a substring, prefixes first, enabled users only, % and _ literally', async () => {
    await directory.add({ smtpAddress: 'gina.green@example.com', displayName: 'Gina Green' });
    await directory.add({ smtpAddress: 'evergreen@example.com', displayName: 'Team Evergreen' });
    await directory.add({ smtpAddress: 'greg@example.com', displayName: 'Gregory 50%' });
    await directory.add({ smtpAddress: 'g_off@example.com', displayName: 'Green Off' });
    await dataSource.query(`UPDATE directory.mailbox_user SET disabled = true WHERE smtp_address = 'g_off@example.com'`);
    const addresses = async (text: string, limit = 10, property?: 'displayName' | 'address') =>
      (await directory.searchUsers(text, limit, property)).map((u) => u.smtpAddress);
    // Prefix matches (of the address, the name or a word of it) before substring ones (Evergreen).
    await expect(addresses('GREEN')).resolves.toEqual(['gina.green@example.com', 'evergreen@example.com']);
    await expect(addresses('gre')).resolves.toEqual(['gina.green@example.com', 'greg@example.com', 'evergreen@example.com']);
    await expect(addresses('green', 1)).resolves.toEqual(['gina.green@example.com']);
    await expect(addresses('team', 10, 'address')).resolves.toEqual([]);
    await expect(addresses('team', 10, 'displayName')).resolves.toEqual(['evergreen@example.com']);
    await expect(addresses('50%')).resolves.toEqual(['greg@example.com']);
    await expect(addresses('%')).resolves.toEqual(['frank_f@example.com', 'greg@example.com']);
    // Only the disabled g_off has 'g_' (and 'g' followed by any character would match many).
    await expect(addresses('g_')).resolves.toEqual([]);
    await expect(addresses('  ')).resolves.toEqual([]);
    await expect(addresses('gr\u0000')).resolves.toEqual([]);
  });

  it('tells the domains of enabled users from the others, literally and case-insensitively', async () => {
    await expect(directory.servesDomain('EXAMPLE.com')).resolves.toBe(true);
    await expect(directory.servesDomain('example.org')).resolves.toBe(false);
    await expect(directory.servesDomain('ample.com')).resolves.toBe(false);
    await expect(directory.servesDomain('%')).resolves.toBe(false);
    await expect(directory.servesDomain('')).resolves.toBe(false);
  });

  it('stores the SIP digest HA1s of a password for the realm, and replaces them when the password changes', async () => {
    await directory.add({ smtpAddress: 'Sip.User@Example.com', displayName: 'Sip', password: 'first' });
    for (const algorithm of ['SHA-256', 'MD5'] as const) {
      const stored = await directory.digestHa1('sip.user@example.com', 'parley.test', algorithm);
      expect(stored?.equals(digestHa1('sip.user@example.com', 'parley.test', 'first', algorithm))).toBe(true);
    }
    // Only the lower-cased address, the configured realm, and known algorithms have one.
    await expect(directory.digestHa1('Sip.User@example.com', 'parley.test', 'MD5')).resolves.toBeUndefined();
    await expect(directory.digestHa1('sip.user@example.com', 'other.realm', 'MD5')).resolves.toBeUndefined();
    await expect(directory.digestHa1('sip.user@example.com\u0000', 'parley.test', 'MD5')).resolves.toBeUndefined();

    await directory.setPassword('sip.user@example.com', 'second');
    const md5 = await directory.digestHa1('sip.user@example.com', 'parley.test', 'MD5');
    expect(md5?.equals(digestHa1('sip.user@example.com', 'parley.test', 'second', 'MD5'))).toBe(true);
    const rows = await dataSource.query(
      `SELECT count(*)::int AS n FROM directory.digest_ha1 h JOIN directory.mailbox_user u ON u.id = h.user_id WHERE u.smtp_address = $1`,
      ['sip.user@example.com'],
    );
    expect(rows).toEqual([{ n: 2 }]);
  });

  it('drops the old HA1s when a process without a realm sets the password, and has none for disabled or password-less users', async () => {
    const realmless = new DirectoryRepository(dataSource);
    await directory.add({ smtpAddress: 'sip.two@example.com', displayName: 'Two', password: 'old' });
    await realmless.setPassword('sip.two@example.com', 'new');
    await expect(directory.digestHa1('sip.two@example.com', 'parley.test', 'MD5')).resolves.toBeUndefined();

    await directory.add({ smtpAddress: 'sip.three@example.com', displayName: 'Three', password: 'pw' });
    await dataSource.query(`UPDATE directory.mailbox_user SET disabled = true WHERE smtp_address = 'sip.three@example.com'`);
    await expect(directory.digestHa1('sip.three@example.com', 'parley.test', 'SHA-256')).resolves.toBeUndefined();
    await directory.add({ smtpAddress: 'sip.four@example.com', displayName: 'Four' });
    await expect(directory.digestHa1('sip.four@example.com', 'parley.test', 'SHA-256')).resolves.toBeUndefined();
    await expect(directory.setPassword('nobody@example.com', 'x')).rejects.toMatchObject({ code: 'NoSuchUser' });
  });

  it('finds users by their SIP URI only: user part case-sensitive, host case-insensitive, escapes resolved', async () => {
    await directory.add({ smtpAddress: 'dave@example.com', displayName: 'Dave', sipUri: 'sip:Dave.Smith@Voice.Example.com' });
    const key = sipAddressOf('sips:Dave%2ESmith@VOICE.example.com');
    expect(key).toBe('Dave.Smith@voice.example.com');
    await expect(directory.findBySipAddress(key ?? '')).resolves.toMatchObject({
      smtpAddress: 'dave@example.com',
      sipUri: 'sip:Dave.Smith@Voice.Example.com',
    });
    await expect(directory.findBySipAddress('dave.smith@voice.example.com')).resolves.toBeNull();
    // The SMTP form names nobody once the directory gives the user another URI.
    await expect(directory.findBySipAddress('dave@example.com')).resolves.toBeNull();
    // A user with the default URI is found by it.
    await expect(directory.findBySipAddress('dana.doe@example.com')).resolves.toMatchObject({ smtpAddress: 'dana.doe@example.com' });
    await expect(directory.findBySipAddress('hal@example.com')).resolves.toBeNull();
    await expect(directory.findBySipAddress('x\u0000@example.com')).resolves.toBeNull();
  });

  it('refuses a SIP URI that is not an address-of-record or that another user already answers to', async () => {
    for (const sipUri of [
      'sip:x@example.com;transport=tcp',
      'sip:example.com',
      'tel:+4930123',
      'sip:x@example.com:5060',
      'sip:a b@x.com',
    ]) {
      await expect(directory.add({ smtpAddress: 'eve@example.com', displayName: 'Eve', sipUri })).rejects.toMatchObject({
        code: 'InvalidAddress',
      });
    }
    // Dave's URI with another host case; Dana's default URI; an address that is Dave's SIP key.
    await expect(
      directory.add({ smtpAddress: 'eve@example.com', displayName: 'Eve', sipUri: 'sip:Dave.Smith@voice.EXAMPLE.com' }),
    ).rejects.toMatchObject({ code: 'UserExists' });
    await expect(
      directory.add({ smtpAddress: 'eve@example.com', displayName: 'Eve', sipUri: 'sips:dana.doe@example.com' }),
    ).rejects.toMatchObject({ code: 'UserExists' });
    await directory.add({ smtpAddress: 'eve@example.com', displayName: 'Eve', sipUri: 'sip:eve.smith@example.com' });
    await expect(directory.add({ smtpAddress: 'eve.smith@example.com', displayName: 'Other Eve' })).rejects.toMatchObject({
      code: 'UserExists',
    });
  });

  it('the SIP address migration keys existing users by their URI (or SMTP address), and reverts', async () => {
    const columnExists = async () =>
      (
        (await dataSource.query(
          `SELECT count(*)::int AS n FROM information_schema.columns WHERE table_schema = 'directory' AND table_name = 'mailbox_user' AND column_name = 'sip_address'`,
        )) as { n: number }[]
      )[0].n === 1;
    // The web session migration came after it: both go back.
    await revertServiceSchema(dataSource, 2);
    expect(await columnExists()).toBe(false);
    await dataSource.query(
      `INSERT INTO directory.mailbox_user (smtp_address, display_name, sip_uri) VALUES
         ('raw.one@example.com', 'Raw One', 'sip:Raw.One@Voice.Example.COM'), ('raw.two@example.com', 'Raw Two', NULL)`,
    );
    await migrateServiceSchema(dataSource);
    expect(await columnExists()).toBe(true);
    await expect(directory.findBySipAddress('Raw.One@voice.example.com')).resolves.toMatchObject({ smtpAddress: 'raw.one@example.com' });
    await expect(directory.findBySipAddress('raw.one@example.com')).resolves.toBeNull();
    await expect(directory.findBySipAddress('raw.two@example.com')).resolves.toMatchObject({ smtpAddress: 'raw.two@example.com' });
    await expect(directory.findBySipAddress('Dave.Smith@voice.example.com')).resolves.toMatchObject({ smtpAddress: 'dave@example.com' });
  });

  it('the HA1 migration reverts and applies again', async () => {
    const tableExists = async () =>
      ((await dataSource.query(`SELECT to_regclass('directory.digest_ha1') IS NOT NULL AS present`)) as { present: boolean }[])[0].present;
    // The SIP address and web session migrations came after it: all three go back.
    await revertServiceSchema(dataSource, 3);
    expect(await tableExists()).toBe(false);
    await migrateServiceSchema(dataSource);
    expect(await tableExists()).toBe(true);
  });
});
