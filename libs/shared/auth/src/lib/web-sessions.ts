import { Inject, Injectable, Logger } from '@nestjs/common';
import { type DirectoryUser, WebSessionRepository } from '@parley/directory';
import { createHash, randomBytes } from 'node:crypto';
import { Authenticator } from './authenticator';
import { AuthErrorCode, AuthException } from './auth.exception';
import { readPasswordCredentials } from './credentials';

/** How the web client's sessions live (`AuthConfig.web`). */
export interface WebSessionSettings {
  /** A session ends this long after its last request. */
  readonly idleTimeoutMs: number;
  /** ...and this long after its sign-in, however active. */
  readonly maxLifetimeMs: number;
  /** Sessions one user may hold; a sign-in past it ends the user's least recently used. */
  readonly maxPerUser: number;
  /** The clock (tests move it). */
  readonly now?: () => number;
}

export const WEB_SESSION_SETTINGS = Symbol('WEB_SESSION_SETTINGS');

/** A signed-in browser: who, the token its unsafe requests must echo, and until when (if it stays active). */
export interface WebSession {
  readonly id: string;
  readonly user: DirectoryUser;
  readonly csrfToken: string;
  /** When the session ends unless a request comes first (never after `endsAt`). */
  readonly expiresAt: Date;
  /** When it ends however active. */
  readonly endsAt: Date;
}

/** A session just signed in: the token goes into the cookie, and is nowhere stored. */
export interface StartedWebSession extends WebSession {
  readonly token: string;
}

/** 32 random bytes, base64url: the cookie's token and the CSRF token. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;
/** A session's expiry is written at most this often (not on every request). */
const TOUCH_INTERVAL_MS = 60_000;
/** How long a replica trusts a session it looked up: sign-out elsewhere takes effect within it. */
const CACHE_TTL_MS = 5_000;
const CACHE_MAX_ENTRIES = 10_000;
/** Expired rows are removed in batches this large, at most every `SWEEP_INTERVAL_MS` (sooner while a batch was full). */
const SWEEP_BATCH = 1_000;
const SWEEP_INTERVAL_MS = 10 * 60_000;

interface Cached {
  session: WebSession;
  createdAt: number;
  lastSeenAt: number;
  until: number;
}

/**
 * The web client's server-side sessions (docs/architecture.md, "Authentication"), stored in the directory so that
 * every replica of the gateway and of presence-bridge can check them and a sign-out really ends one. The password
 * check is the `Authenticator`'s: the same credential cache and sign-in throttle as Basic.
 */
@Injectable()
export class WebSessions {
  private readonly logger = new Logger('WebSessions');
  private readonly now: () => number;
  private readonly cache = new Map<string, Cached>();
  private nextSweepAt = 0;

  constructor(
    private readonly sessions: WebSessionRepository,
    private readonly authenticator: Authenticator,
    @Inject(WEB_SESSION_SETTINGS) private readonly settings: WebSessionSettings,
  ) {
    this.now = settings.now ?? Date.now;
  }

  /**
   * Checks the password (throttled as Basic is; throws `AuthException` Unauthenticated or Throttled) and starts a
   * session. `address` is what the user typed (an SMTP address, `DOMAIN\user` accepted).
   */
  async signIn(address: string, password: string, clientAddress: string): Promise<StartedWebSession> {
    const credentials = readPasswordCredentials(address, password);
    if (!credentials) throw new AuthException(AuthErrorCode.Unauthenticated, 'The credentials were rejected.');
    const user = await this.authenticator.signInWithPassword(credentials.user, credentials.password, clientAddress);
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(32).toString('base64url');
    const now = this.now();
    const endsAt = now + this.settings.maxLifetimeMs;
    const expiresAt = Math.min(now + this.settings.idleTimeoutMs, endsAt);
    const id = await this.sessions.create(
      { tokenHash: hashOf(token), userId: user.id, csrfToken, now: new Date(now), expiresAt: new Date(expiresAt) },
      this.settings.maxPerUser,
    );
    this.sweep(now);
    return { id, token, user, csrfToken, expiresAt: new Date(expiresAt), endsAt: new Date(endsAt) };
  }

  /**
   * The live session of a cookie's token, or undefined (unknown, signed out, expired, its user disabled). Slides the
   * idle expiry, writing it at most once a minute.
   */
  async resolve(token: string): Promise<WebSession | undefined> {
    if (!TOKEN.test(token)) return undefined;
    const tokenHash = hashOf(token);
    const key = tokenHash.toString('base64');
    const now = this.now();
    const cached = this.cache.get(key);
    if (cached !== undefined && cached.until > now && this.live(cached.createdAt, cached.lastSeenAt, now)) return cached.session;
    this.cache.delete(key);
    const stored = await this.sessions.findByTokenHash(tokenHash, new Date(now));
    if (stored === null) return undefined;
    const createdAt = stored.createdAt.getTime();
    let lastSeenAt = stored.lastSeenAt.getTime();
    // The stored expiry was computed under the settings of its day; today's apply as well.
    if (!this.live(createdAt, lastSeenAt, now)) return undefined;
    const endsAt = createdAt + this.settings.maxLifetimeMs;
    let expiresAt = stored.expiresAt.getTime();
    if (now - lastSeenAt >= TOUCH_INTERVAL_MS) {
      lastSeenAt = now;
      expiresAt = Math.min(now + this.settings.idleTimeoutMs, endsAt);
      await this.sessions.touch(stored.id, new Date(lastSeenAt), new Date(expiresAt));
    }
    const session: WebSession = {
      id: stored.id,
      user: stored.user,
      csrfToken: stored.csrfToken,
      expiresAt: new Date(expiresAt),
      endsAt: new Date(endsAt),
    };
    this.remember(key, { session, createdAt, lastSeenAt, until: now + CACHE_TTL_MS });
    return session;
  }

  /** Ends the session of this token (if any); this replica forgets it at once, the others within seconds. */
  async signOut(token: string): Promise<void> {
    if (!TOKEN.test(token)) return;
    const tokenHash = hashOf(token);
    this.cache.delete(tokenHash.toString('base64'));
    await this.sessions.deleteByTokenHash(tokenHash);
  }

  private live(createdAt: number, lastSeenAt: number, now: number): boolean {
    return now < createdAt + this.settings.maxLifetimeMs && now < lastSeenAt + this.settings.idleTimeoutMs;
  }

  private remember(key: string, entry: Cached): void {
    this.cache.set(key, entry);
    while (this.cache.size > CACHE_MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value as string);
  }

  /** Removes a batch of expired sessions now and then (every replica may; the rows are the same for all). */
  private sweep(now: number): void {
    if (now < this.nextSweepAt) return;
    this.nextSweepAt = now + SWEEP_INTERVAL_MS;
    this.sessions.deleteExpired(new Date(now), SWEEP_BATCH).then(
      (removed) => {
        // A full batch may have left more: the next sign-in sweeps again.
        if (removed === SWEEP_BATCH) this.nextSweepAt = 0;
      },
      (error: unknown) =>
        this.logger.warn(`removing expired web sessions failed: ${error instanceof Error ? error.message : String(error)}`),
    );
  }
}

function hashOf(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
