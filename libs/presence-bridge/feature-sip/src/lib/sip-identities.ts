import type { DirectoryRepository, DirectoryUser } from '@parley/directory';
import { addressOfRecord, type Uri } from '@parley/presence-bridge/sip';

/** A directory user as the SIP front names them. */
export interface SipIdentity {
  /** The lower-cased SMTP address: the key of the presence core, the registrar, and the digest user name. */
  readonly address: string;
  /** The SIP URI the directory gives the user (`sip:<address>` unless it names another one). */
  readonly uri: string;
}

export interface SipIdentitiesOptions {
  /** Lookups remembered at most (oldest first out). */
  maxEntries: number;
  /** How long a lookup is remembered, found or not: a directory change reaches the front within this time. */
  ttlMs: number;
  now: () => number;
}

/** The defaults: a directory change (a new user, another SIP URI, a disabled user) is seen within 10 s. */
export const SIP_IDENTITY_CACHE: Omit<SipIdentitiesOptions, 'now'> = { maxEntries: 10_000, ttlMs: 10_000 };

interface Remembered {
  readonly value: Promise<SipIdentity | null>;
  readonly expiresAt: number;
}

/**
 * The SIP front's one way between SIP URIs and directory users (docs/sip.md, "Identities"): a URI names the user whose
 * own SIP URI it equals by RFC 3261 §19.1.4 (the user part as is, escapes resolved; the host in any case; the scheme
 * ignored), and nobody else; a user is named in NOTIFY bodies and MESSAGEs by their SIP URI. Lookups are remembered
 * for a few seconds in a bounded map, since every request resolves at least one URI (and MESSAGEs and IMs two); a
 * lookup in progress is shared by the requests that need it.
 */
export class SipIdentities {
  private readonly remembered = new Map<string, Remembered>();

  constructor(
    private readonly directory: Pick<DirectoryRepository, 'findBySipAddress' | 'findByAddress'>,
    private readonly options: SipIdentitiesOptions,
  ) {}

  /** Lookups remembered now (tests). */
  get size(): number {
    return this.remembered.size;
  }

  /** The user `uri` names; null: nobody in the directory (404); undefined: a URI without a user part (the domain itself). */
  byUri(uri: Uri): Promise<SipIdentity | null> | undefined {
    const key = addressOfRecord(uri);
    if (key === undefined) return undefined;
    return this.remember(`uri\n${key}`, () => this.directory.findBySipAddress(key));
  }

  /**
   * The identity of the user with this SMTP address (the authenticated user, an IM's sender). A user the directory no
   * longer has (disabled meanwhile) keeps the default URI, so a message already on its way can still name its sender.
   */
  async ofAddress(address: string): Promise<SipIdentity> {
    const found = await this.remember(`address\n${address}`, () => this.directory.findByAddress(address));
    return found ?? { address, uri: `sip:${address}` };
  }

  private remember(key: string, lookup: () => Promise<DirectoryUser | null>): Promise<SipIdentity | null> {
    const now = this.options.now();
    const known = this.remembered.get(key);
    if (known !== undefined && known.expiresAt > now) return known.value;
    this.remembered.delete(key);
    const value = lookup().then((user) => (user === null ? null : identityOf(user)));
    // A failed lookup (the directory unreachable) is not remembered: the next request asks again.
    value.catch(() => {
      if (this.remembered.get(key)?.value === value) this.remembered.delete(key);
    });
    this.remembered.set(key, { value, expiresAt: now + this.options.ttlMs });
    while (this.remembered.size > this.options.maxEntries) {
      const oldest = this.remembered.keys().next().value as string;
      this.remembered.delete(oldest);
    }
    return value;
  }
}

function identityOf(user: DirectoryUser): SipIdentity {
  return { address: user.smtpAddress, uri: user.sipUri ?? `sip:${user.smtpAddress}` };
}
