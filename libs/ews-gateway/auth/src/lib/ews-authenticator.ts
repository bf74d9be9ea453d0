import { Inject, Injectable } from '@nestjs/common';
import type { EwsConfig } from '@parley/config';
import { DirectoryRepository, DirectoryUser } from '@parley/directory';
import { verifyBearerToken } from './bearer-token';
import { CredentialCache } from './credential-cache';
import { readAuthorization } from './credentials';
import { EwsAuthErrorCode, EwsAuthException } from './ews-auth.exception';
import { FailureThrottle } from './failure-throttle';

export const EWS_AUTH_CONFIG = Symbol('EWS_AUTH_CONFIG');

/** Who is calling: Basic against the directory, or an HMAC-signed bearer token. */
@Injectable()
export class EwsAuthenticator {
  private readonly cache: CredentialCache<DirectoryUser>;
  private readonly throttle: FailureThrottle;

  constructor(
    private readonly directory: DirectoryRepository,
    @Inject(EWS_AUTH_CONFIG) private readonly config: EwsConfig,
  ) {
    this.cache = new CredentialCache(config.authCacheTtlMs);
    this.throttle = new FailureThrottle({
      windowMs: config.authFailureWindowMs,
      maxPerAccount: config.maxFailuresPerAccount,
      maxPerAddress: config.maxFailuresPerAddress,
    });
  }

  /** The caller's directory entry; throws `EwsAuthException` (Unauthenticated or Throttled). */
  async authenticate(authorization: string | undefined, sourceAddress: string): Promise<DirectoryUser> {
    const offered = readAuthorization(authorization);
    if (!offered) throw new EwsAuthException(EwsAuthErrorCode.Unauthenticated, 'Credentials are required.');
    if (offered.kind === 'basic') {
      // A session verified moments ago goes through even while its account is throttled, so an
      // attacker guessing a password cannot lock the real user out of a running client.
      const cached = this.cache.get(offered.user, offered.password);
      if (cached) return cached;
    }
    const account = offered.kind === 'basic' ? offered.user : undefined;
    const wait = this.throttle.backOffMs(account, sourceAddress);
    if (wait > 0) throw new EwsAuthException(EwsAuthErrorCode.Throttled, 'Too many failed sign-in attempts.', wait);

    const user = offered.kind === 'basic' ? await this.directory.authenticate(offered.user, offered.password) : await this.fromToken(offered.token);
    if (!user) {
      this.throttle.recordFailure(account, sourceAddress);
      throw new EwsAuthException(EwsAuthErrorCode.Unauthenticated, 'The credentials were rejected.');
    }
    if (offered.kind === 'basic') this.cache.set(offered.user, offered.password, user);
    return user;
  }

  private async fromToken(token: string): Promise<DirectoryUser | null> {
    if (!this.config.tokenKey) return null;
    const claims = verifyBearerToken(this.config.tokenKey, token);
    return claims ? this.directory.findByAddress(claims.sub) : null;
  }
}
