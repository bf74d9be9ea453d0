import { toMailboxKey } from '@parley/contracts';
import { DataSource, Repository } from 'typeorm';
import { MailboxUserEntity, Role, Roles } from './mailbox-user.entity';
import { decoyHash, hashPassword, verifyPassword } from './password';

export interface NewMailboxUser {
  smtpAddress: string;
  displayName: string;
  password?: string;
  sipUri?: string | null;
  phoneExtension?: string | null;
}

/** A directory entry as the services see it: never the password hash. */
export interface DirectoryUser {
  id: string;
  smtpAddress: string;
  displayName: string;
  sipUri: string | null;
  phoneExtension: string | null;
  roles: string[];
  impersonationScope: string[] | null;
}

export class DirectoryError extends Error {
  constructor(
    readonly code: 'UserExists' | 'NoSuchUser' | 'InvalidAddress',
    message: string,
  ) {
    super(message);
  }
}

function toUser(e: MailboxUserEntity): DirectoryUser {
  return {
    id: e.id,
    smtpAddress: e.smtpAddress,
    displayName: e.displayName,
    sipUri: e.sipUri,
    phoneExtension: e.phoneExtension,
    roles: e.roles,
    impersonationScope: e.impersonationScope,
  };
}

function normalizeAddress(address: string): string {
  const key = toMailboxKey(address);
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(key)) throw new DirectoryError('InvalidAddress', `not an SMTP address: ${address}`);
  return key;
}

/** PostgreSQL text cannot hold NUL: a value with one matches nothing (instead of failing the query). */
function storable(value: string): boolean {
  return !value.includes('\u0000');
}

/** The form of an object id (the primary key, a UUID). */
const OBJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** `%`, `_` and `\` taken literally in a LIKE pattern (with `ESCAPE '\'`). */
function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Users, credentials and roles: the one read model every service shares. */
export class DirectoryRepository {
  private readonly users: Repository<MailboxUserEntity>;

  constructor(dataSource: DataSource) {
    this.users = dataSource.getRepository(MailboxUserEntity);
  }

  async findByAddress(address: string): Promise<DirectoryUser | null> {
    if (!storable(address)) return null;
    const found = await this.users.findOneBy({ smtpAddress: toMailboxKey(address), disabled: false });
    return found ? toUser(found) : null;
  }

  /**
   * Enabled users named by SMTP address (any case) or by object id, each once, in no particular
   * order; keys that name nobody are left out. One query whatever the number of keys (the caller
   * bounds them).
   */
  async findByKeys(keys: readonly string[]): Promise<DirectoryUser[]> {
    const addresses = [...new Set(keys.filter(storable).map(toMailboxKey))];
    const ids = [...new Set(keys.map((k) => k.trim().toLowerCase()).filter((k) => OBJECT_ID.test(k)))];
    if (addresses.length === 0 && ids.length === 0) return [];
    const found = await this.users
      .createQueryBuilder('u')
      .where('u.disabled = false')
      .andWhere('(u.smtpAddress = ANY(:addresses) OR u.id = ANY(:ids::uuid[]))', { addresses, ids })
      .getMany();
    return found.map(toUser);
  }

  /**
   * Name lookup (EWS ResolveNames): enabled users whose address, address local part or display
   * name (any word of it) starts with `prefix`, case-insensitive, ordered by address, at most
   * `limit` of them. An empty prefix matches nothing.
   */
  async search(prefix: string, limit: number): Promise<DirectoryUser[]> {
    const needle = prefix.trim().toLowerCase();
    if (needle === '' || limit <= 0 || !storable(needle)) return [];
    const starts = `${escapeLike(needle)}%`;
    const found = await this.users
      .createQueryBuilder('u')
      .where('u.disabled = false')
      .andWhere(
        "(u.smtpAddress LIKE :starts ESCAPE '\\' OR lower(u.displayName) LIKE :starts ESCAPE '\\' OR lower(u.displayName) LIKE :word ESCAPE '\\')",
        { starts, word: `% ${starts}` },
      )
      .orderBy('u.smtpAddress', 'ASC')
      .limit(limit)
      .getMany();
    return found.map(toUser);
  }

  /**
   * The addresses among `addresses` (compared lower-cased) that are enabled users, lower-cased, in
   * one query: what a batch presence read needs to leave out everyone else.
   */
  async enabledAmong(addresses: readonly string[]): Promise<Set<string>> {
    const keys = [...new Set(addresses.filter(storable).map(toMailboxKey))];
    if (keys.length === 0) return new Set();
    const found = await this.users
      .createQueryBuilder('u')
      .select('u.smtpAddress', 'address')
      .where('u.disabled = false')
      .andWhere('u.smtpAddress = ANY(:keys)', { keys })
      .getRawMany<{ address: string }>();
    return new Set(found.map((r) => r.address));
  }

  /**
   * Does any enabled user have an address at `domain` (compared lower-cased)? Parley serves those
   * domains: mail fronts refuse to relay to any other.
   */
  async servesDomain(domain: string): Promise<boolean> {
    const key = domain.trim().toLowerCase();
    if (key === '' || !storable(key)) return false;
    return this.users
      .createQueryBuilder('u')
      .where('u.disabled = false')
      .andWhere("u.smtpAddress LIKE :suffix ESCAPE '\\'", { suffix: `%@${escapeLike(key)}` })
      .getExists();
  }

  /** Is there an entry for `address`, enabled or not? */
  async exists(address: string): Promise<boolean> {
    return storable(address) && this.users.existsBy({ smtpAddress: toMailboxKey(address) });
  }

  async list(): Promise<DirectoryUser[]> {
    return (await this.users.find({ where: { disabled: false }, order: { smtpAddress: 'ASC' } })).map(toUser);
  }

  /** Checks a login; the same work is done for unknown users so timing reveals nothing. */
  async authenticate(address: string, password: string): Promise<DirectoryUser | null> {
    if (!storable(address)) return null;
    const found = await this.users.findOneBy({ smtpAddress: toMailboxKey(address), disabled: false });
    const ok = await verifyPassword(password, found?.passwordHash ?? (await decoyHash()));
    return found && found.passwordHash && ok ? toUser(found) : null;
  }

  async add(user: NewMailboxUser): Promise<DirectoryUser> {
    const smtpAddress = normalizeAddress(user.smtpAddress);
    if (await this.users.existsBy({ smtpAddress })) throw new DirectoryError('UserExists', `${smtpAddress} already exists`);
    const saved = await this.users.save(
      this.users.create({
        smtpAddress,
        displayName: user.displayName,
        sipUri: user.sipUri ?? `sip:${smtpAddress}`,
        phoneExtension: user.phoneExtension ?? null,
        passwordHash: user.password ? await hashPassword(user.password) : null,
        roles: [],
        impersonationScope: null,
      }),
    );
    return toUser(saved);
  }

  async setPassword(address: string, password: string): Promise<void> {
    await this.update(address, { passwordHash: await hashPassword(password) });
  }

  /** Grants a role; for impersonation, `scope` limits which mailboxes (omit for all). */
  async grantRole(address: string, role: Role, scope?: string[]): Promise<DirectoryUser> {
    const user = await this.require(address);
    const roles = [...new Set([...user.roles, role])];
    const patch: Partial<MailboxUserEntity> = { roles };
    if (role === Roles.applicationImpersonation) patch.impersonationScope = scope?.length ? scope.map(normalizeAddress) : null;
    return this.update(address, patch);
  }

  async revokeRole(address: string, role: Role): Promise<DirectoryUser> {
    const user = await this.require(address);
    const patch: Partial<MailboxUserEntity> = { roles: user.roles.filter((r) => r !== role) };
    if (role === Roles.applicationImpersonation) patch.impersonationScope = null;
    return this.update(address, patch);
  }

  /** May `actor` impersonate `target`? Only with the role, and within its scope if it has one. */
  static mayImpersonate(actor: DirectoryUser, target: DirectoryUser): boolean {
    if (!actor.roles.includes(Roles.applicationImpersonation)) return false;
    return actor.impersonationScope === null || actor.impersonationScope.includes(target.smtpAddress);
  }

  private async require(address: string): Promise<MailboxUserEntity> {
    const found = await this.users.findOneBy({ smtpAddress: toMailboxKey(address) });
    if (!found) throw new DirectoryError('NoSuchUser', `no such user: ${address}`);
    return found;
  }

  private async update(address: string, patch: Partial<MailboxUserEntity>): Promise<DirectoryUser> {
    const user = await this.require(address);
    Object.assign(user, patch, { updatedAt: new Date() });
    return toUser(await this.users.save(user));
  }
}
