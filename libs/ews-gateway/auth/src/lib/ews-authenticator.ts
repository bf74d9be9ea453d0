import { Inject, Injectable } from '@nestjs/common';
import type { EwsConfig } from '@parley/config';
import { DirectoryRepository, DirectoryUser } from '@parley/directory';
import { type SignInResult, SignInThrottle } from '@parley/sign-in';
import { verifyBearerToken } from './bearer-token';
import { CredentialCache } from './credential-cache';
import { readAuthorization } from './credentials';
import { EwsAuthErrorCode, EwsAuthException } from './ews-auth.exception';

export const EWS_AUTH_CONFIG = Symbol('EWS_AUTH_CONFIG');

/** Who is calling: Basic against the directory, or an HMAC-signed bearer token. */
@Injectable()
export class EwsAuthenticator {
  private readonly cache: CredentialCache<DirectoryUser>;
  /** Basic checks in progress, by client address and credentials (bounded by requests in flight). */
  private readonly checking = new Map<string, Promise<SignInResult<DirectoryUser>>>();

  constructor(
    private readonly directory: DirectoryRepository,
    private readonly throttle: SignInThrottle,
    @Inject(EWS_AUTH_CONFIG) private readonly config: Pick<EwsConfig, 'authCacheTtlMs' | 'tokenKey'>,
  ) {
    this.cache = new CredentialCache(config.authCacheTtlMs);
  }

  /**
   * The caller's directory entry; throws `EwsAuthException` (Unauthenticated or Throttled).
   * `clientAddress` is the resolved client (`ClientAddressResolver`), not necessarily the socket's peer.
   */
  async authenticate(authorization: string | undefined, clientAddress: string): Promise<DirectoryUser> {
    const offered = readAuthorization(authorization);
    if (!offered) throw new EwsAuthException(EwsAuthErrorCode.Unauthenticated, 'Credentials are required.');
    if (offered.kind === 'basic') {
      // A session verified moments ago goes through even while its pair or address is refused.
      const cached = this.cache.get(offered.user, offered.password);
      if (cached) return cached;
    }
    const account = offered.kind === 'basic' ? offered.user : undefined;
    const result =
      offered.kind === 'basic'
        ? await this.checkOnce(`${clientAddress}\u0000${this.cache.keyOf(offered.user, offered.password)}`, () =>
            this.throttle.attempt(account, clientAddress, () => this.directory.authenticate(offered.user, offered.password)),
          )
        : await this.throttle.attempt(account, clientAddress, () => this.fromToken(offered.token));
    if (result.outcome === 'refused')
      throw new EwsAuthException(EwsAuthErrorCode.Throttled, 'Too many failed sign-in attempts.', result.retryAfterMs);
    if (result.outcome === 'rejected') throw new EwsAuthException(EwsAuthErrorCode.Unauthenticated, 'The credentials were rejected.');
    if (offered.kind === 'basic') this.cache.set(offered.user, offered.password, result.user);
    return result.user;
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
    if (!this.config.tokenKey) return null;
    const claims = verifyBearerToken(this.config.tokenKey, token);
    return claims ? this.directory.findByAddress(claims.sub) : null;
  }
}
