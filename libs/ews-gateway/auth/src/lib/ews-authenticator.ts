import { Inject, Injectable } from '@nestjs/common';
import type { EwsConfig } from '@parley/config';
import { DirectoryRepository, DirectoryUser } from '@parley/directory';
import { SignInThrottle } from '@parley/sign-in';
import { verifyBearerToken } from './bearer-token';
import { CredentialCache } from './credential-cache';
import { readAuthorization } from './credentials';
import { EwsAuthErrorCode, EwsAuthException } from './ews-auth.exception';

export const EWS_AUTH_CONFIG = Symbol('EWS_AUTH_CONFIG');

/** Who is calling: Basic against the directory, or an HMAC-signed bearer token. */
@Injectable()
export class EwsAuthenticator {
  private readonly cache: CredentialCache<DirectoryUser>;

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
    const result = await this.throttle.attempt(account, clientAddress, () =>
      offered.kind === 'basic' ? this.directory.authenticate(offered.user, offered.password) : this.fromToken(offered.token),
    );
    if (result.outcome === 'refused') throw new EwsAuthException(EwsAuthErrorCode.Throttled, 'Too many failed sign-in attempts.', result.retryAfterMs);
    if (result.outcome === 'rejected') throw new EwsAuthException(EwsAuthErrorCode.Unauthenticated, 'The credentials were rejected.');
    if (offered.kind === 'basic') this.cache.set(offered.user, offered.password, result.user);
    return result.user;
  }

  private async fromToken(token: string): Promise<DirectoryUser | null> {
    if (!this.config.tokenKey) return null;
    const claims = verifyBearerToken(this.config.tokenKey, token);
    return claims ? this.directory.findByAddress(claims.sub) : null;
  }
}
