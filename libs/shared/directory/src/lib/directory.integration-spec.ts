import { createTestDatabase } from '@parley/testing';
import { DataSource } from 'typeorm';
import { migrateServiceSchema } from '@parley/persistence';
import { createDirectoryDataSource } from './directory.module';
import { DirectoryError, DirectoryRepository } from './directory.repository';
import { demoUsers, seedDemoUsers } from './demo-users';
import { Roles } from './mailbox-user.entity';

describe('directory on PostgreSQL', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let dataSource: DataSource;
  let directory: DirectoryRepository;

  beforeAll(async () => {
    db = await createTestDatabase('directory');
    dataSource = createDirectoryDataSource({ url: db.url, poolSize: 4, service: 'test' });
    await dataSource.initialize();
    await migrateServiceSchema(dataSource);
    directory = new DirectoryRepository(dataSource);
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

  it('tells the domains of enabled users from the others, literally and case-insensitively', async () => {
    await expect(directory.servesDomain('EXAMPLE.com')).resolves.toBe(true);
    await expect(directory.servesDomain('example.org')).resolves.toBe(false);
    await expect(directory.servesDomain('ample.com')).resolves.toBe(false);
    await expect(directory.servesDomain('%')).resolves.toBe(false);
    await expect(directory.servesDomain('')).resolves.toBe(false);
  });
});
