import { toMailboxKey } from '@parley/contracts';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { DIGEST_HA1_ALGORITHMS, type DigestHa1Algorithm, digestHa1 } from './digest-ha1';
import { DigestHa1Entity } from './digest-ha1.entity';
import { MailboxUserEntity, Role, Roles } from './mailbox-user.entity';
import { decoyHash, hashPassword, verifyPassword } from './password';
import { sipAddressOf } from './sip-address';
import { WebSessionEntity } from './web-session.entity';

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

export interface DirectoryRepositoryOptions {
  /**
   * The SIP digest realm (`PARLEY_SIP_REALM`): setting a password also stores its HA1s for this realm. Without it (a
   * process that never sets passwords) a password change still removes the HA1s of the old password.
   */
  digestRealm?: string;
}

/** Users, credentials and roles: the one read model every service shares. */
export class DirectoryRepository {
  private readonly users: Repository<MailboxUserEntity>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly options: DirectoryRepositoryOptions = {},
  ) {
    this.users = dataSource.getRepository(MailboxUserEntity);
  }

  /**
   * The enabled user a SIP URI names, by its comparison key (`sipAddressOf`: user part as is, host lower-cased), or
   * null. Only the user's own SIP URI matches: a user whose URI differs from `sip:<smtp address>` is not found by the
   * latter. The SIP front's one way from a URI to a user (docs/sip.md, "Identities").
   */
  async findBySipAddress(key: string): Promise<DirectoryUser | null> {
    if (!storable(key)) return null;
    const found = await this.users
      .createQueryBuilder('u')
      .where('u.disabled = false')
      .andWhere('(u.sipAddress = :key OR (u.sipAddress IS NULL AND u.smtpAddress = :key))', { key })
      .getOne();
    return found ? toUser(found) : null;
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
   * Directory search (the Graph API's `GET /users?$search=`): enabled users whose display name or
   * SMTP address (or only the one `property` names) contains `text`, case-insensitive, `%` and `_`
   * taken literally; those where it begins the address, the name or a word of it first, then by display name. At most `limit`
   * (the caller bounds it). A substring pattern uses no B-tree index, so this is one sequential scan
   * of `mailbox_user` with a top-N sort: cheap to ~100,000 users (docs/graph-api.md, "Directory search").
   */
  async searchUsers(text: string, limit: number, property: 'any' | 'displayName' | 'address' = 'any'): Promise<DirectoryUser[]> {
    const needle = text.trim();
    if (needle === '' || limit <= 0 || !storable(needle)) return [];
    const escaped = escapeLike(needle);
    const contains = `%${escaped}%`;
    const starts = `${escaped}%`;
    const byName = "u.displayName ILIKE :contains ESCAPE '\\'";
    const byAddress = "u.smtpAddress ILIKE :contains ESCAPE '\\'";
    const match = property === 'displayName' ? byName : property === 'address' ? byAddress : `(${byName} OR ${byAddress})`;
    const found = await this.users
      .createQueryBuilder('u')
      .where('u.disabled = false')
      .andWhere(match, { contains })
      .orderBy(
        "CASE WHEN u.displayName ILIKE :starts ESCAPE '\\' OR u.displayName ILIKE :word ESCAPE '\\' OR u.smtpAddress ILIKE :starts ESCAPE '\\' THEN 0 ELSE 1 END",
        'ASC',
      )
      .addOrderBy('lower(u.displayName)', 'ASC')
      .addOrderBy('u.smtpAddress', 'ASC')
      .setParameters({ starts, word: `% ${starts}` })
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
    const sipUri = user.sipUri ?? `sip:${smtpAddress}`;
    // The default URI of an address with characters SIP would escape is still found by the address itself.
    const sipAddress = user.sipUri == null ? smtpAddress : sipAddressOf(user.sipUri);
    if (sipAddress === undefined) {
      throw new DirectoryError('InvalidAddress', `not a SIP address-of-record (sip:user@host): ${user.sipUri}`);
    }
    if (await this.sipAddressTaken(sipAddress)) {
      throw new DirectoryError('UserExists', `${sipUri} is already the SIP URI of another user`);
    }
    const passwordHash = user.password ? await hashPassword(user.password) : null;
    const saved = await this.dataSource.transaction(async (manager) => {
      const users = manager.getRepository(MailboxUserEntity);
      const entity = await users.save(
        users.create({
          smtpAddress,
          displayName: user.displayName,
          sipUri,
          sipAddress,
          phoneExtension: user.phoneExtension ?? null,
          passwordHash,
          roles: [],
          impersonationScope: null,
        }),
      );
      if (user.password) await this.replaceDigestHa1s(manager, entity, user.password);
      return entity;
    });
    return toUser(saved);
  }

  /**
   * Sets the password and, in the same transaction, replaces the user's digest HA1s (docs/sip.md, "Digest credentials")
   * and ends the user's web sessions: whoever signed in with the old password must sign in again.
   */
  async setPassword(address: string, password: string): Promise<void> {
    const passwordHash = await hashPassword(password);
    await this.dataSource.transaction(async (manager) => {
      const users = manager.getRepository(MailboxUserEntity);
      const found = await users.findOneBy({ smtpAddress: toMailboxKey(address) });
      if (!found) throw new DirectoryError('NoSuchUser', `no such user: ${address}`);
      Object.assign(found, { passwordHash, updatedAt: new Date() });
      await users.save(found);
      await this.replaceDigestHa1s(manager, found, password);
      await manager.delete(WebSessionEntity, { userId: found.id });
    });
  }

  /**
   * The stored SIP digest HA1 of an enabled user with a password, or undefined. `username` is what the client sent: the
   * HA1 was computed over the lower-cased address, so any other spelling has none.
   */
  async digestHa1(username: string, realm: string, algorithm: DigestHa1Algorithm): Promise<Buffer | undefined> {
    if (!storable(username) || !storable(realm) || username !== toMailboxKey(username)) return undefined;
    // Plain SQL: SIP runs this for every signed request, and building it with the query builder cost more CPU than
    // PostgreSQL spends answering it (docs/benchmarks.md, bench:sip).
    const rows: Array<{ ha1: Buffer }> = await this.dataSource.query(
      `SELECT h.ha1 FROM directory.digest_ha1 h JOIN directory.mailbox_user u ON u.id = h.user_id
       WHERE u.smtp_address = $1 AND u.disabled = false AND u.password_hash IS NOT NULL AND h.realm = $2 AND h.algorithm = $3`,
      [username, realm, algorithm],
    );
    return rows[0]?.ha1;
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

  /** HA1s of the old password (any realm) go; the new password's are written for the configured realm. */
  private async replaceDigestHa1s(manager: EntityManager, user: MailboxUserEntity, password: string): Promise<void> {
    await manager.delete(DigestHa1Entity, { userId: user.id });
    const realm = this.options.digestRealm;
    if (realm === undefined) return;
    await manager.insert(
      DigestHa1Entity,
      DIGEST_HA1_ALGORITHMS.map((algorithm) => ({
        userId: user.id,
        realm,
        algorithm,
        ha1: digestHa1(user.smtpAddress, realm, password, algorithm),
      })),
    );
  }

  /** Whether any user (enabled or not) already answers to this SIP key, by its own URI or by its SMTP address. */
  private sipAddressTaken(key: string): Promise<boolean> {
    return this.users
      .createQueryBuilder('u')
      .where('(u.sipAddress = :key OR (u.sipAddress IS NULL AND u.smtpAddress = :key))', { key })
      .getExists();
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
