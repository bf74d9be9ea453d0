import { Inject, Injectable } from '@nestjs/common';
import { DirectoryRepository, DirectoryUser } from '@parley/directory';
import { type SignInResult, SignInThrottle } from '@parley/sign-in';
import { AuthErrorCode, AuthException } from './auth.exception';
import { verifyBearerToken } from './bearer-token';
import { CredentialCache } from './credential-cache';
import { readAuthorization } from './credentials';

/** What the authenticator needs to know; the rest of the auth config is the throttle's. */
export interface AuthenticatorSettings {
  /** HMAC-SHA256 key of bearer tokens; without it only Basic is accepted. */
  readonly tokenKey: string | undefined;
  /** How long verified Basic credentials skip the password check (0: never). */
  readonly credentialCacheTtlMs: number;
}

export const AUTHENTICATOR_SETTINGS = Symbol('AUTHENTICATOR_SETTINGS');

/**
 * Who is calling, for every front that reads an `Authorization` header: Basic against the
 * directory (behind the process's one sign-in throttle), or an HMAC-signed bearer token.
 */
@Injectable()
export class Authenticator {
  private readonly cache: CredentialCache<DirectoryUser>;
  /** Basic checks in progress, by client address and credentials (bounded by requests in flight). */
  private readonly checking = new Map<string, Promise<SignInResult<DirectoryUser>>>();

  constructor(
    private readonly directory: DirectoryRepository,
    private readonly throttle: SignInThrottle,
    @Inject(AUTHENTICATOR_SETTINGS) private readonly settings: AuthenticatorSettings,
  ) {
    this.cache = new CredentialCache(settings.credentialCacheTtlMs);
  }

  /** Whether bearer tokens can be verified (fronts name the scheme in their challenge only then). */
  get bearerEnabled(): boolean {
    return this.settings.tokenKey !== undefined;
  }

  /**
   * The caller's directory entry; throws `AuthException` (Unauthenticated or Throttled).
   * `clientAddress` is the resolved client (`ClientAddressResolver`), not necessarily the socket's peer.
   */
  async authenticate(authorization: string | undefined, clientAddress: string): Promise<DirectoryUser> {
    const offered = readAuthorization(authorization);
    if (!offered) throw new AuthException(AuthErrorCode.Unauthenticated, 'Credentials are required.');
    if (offered.kind === 'basic') return this.signInWithPassword(offered.user, offered.password, clientAddress);
    const result = await this.throttle.attempt(undefined, clientAddress, () => this.fromToken(offered.token));
    return acceptedUser(result);
  }

  /**
   * The password sign-in of every front (Basic, the web client's `POST /web/session`): the credential cache, then the
   * process's sign-in throttle, then the directory. `user` and `password` as `readPasswordCredentials` gives them.
   */
  async signInWithPassword(user: string, password: string, clientAddress: string): Promise<DirectoryUser> {
    // A session verified moments ago goes through even while its pair or address is refused.
    const cached = this.cache.get(user, password);
    if (cached) return cached;
    const result = await this.checkOnce(`${clientAddress}\u0000${this.cache.keyOf(user, password)}`, () =>
      this.throttle.attempt(user, clientAddress, () => this.directory.authenticate(user, password)),
    );
    const accepted = acceptedUser(result);
    this.cache.set(user, password, accepted);
    return accepted;
  }

  /**
   * Concurrent sign-ins with the same credentials from the same client share one check. When a
   * client's cached session expires, its requests in flight would otherwise each pay the password
   * hash at once (measured: p99 4.2 s for a second under load); one shared check counts once.
   */
  private checkOnce(key: string, check: () => Promise<SignInResult<DirectoryUser>>): Promise<SignInResult<DirectoryUser>> {
    let pending = this.checking.get(key);
    if (pending === undefined) {
      pending = check().finally(() => this.checking.delete(key));
      this.checking.set(key, pending);
    }
    return pending;
  }

  private async fromToken(token: string): Promise<DirectoryUser | null> {
    if (!this.settings.tokenKey) return null;
    const claims = verifyBearerToken(this.settings.tokenKey, token);
    return claims ? this.directory.findByAddress(claims.sub) : null;
  }
}

function acceptedUser(result: SignInResult<DirectoryUser>): DirectoryUser {
  if (result.outcome === 'refused')
    throw new AuthException(AuthErrorCode.Throttled, 'Too many failed sign-in attempts.', result.retryAfterMs);
  if (result.outcome === 'rejected') throw new AuthException(AuthErrorCode.Unauthenticated, 'The credentials were rejected.');
  return result.user;
}
