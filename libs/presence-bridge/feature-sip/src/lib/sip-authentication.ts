import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DirectoryRepository } from '@parley/directory';
import {
  DigestAuthenticator,
  type DigestOutcome,
  isFailedSignIn,
  parseDigestCredentials,
  parseUri,
  sipUriEquals,
  type SipRequest,
} from '@parley/presence-bridge/sip';
import type { SignInThrottle } from '@parley/sign-in';

/**
 * - `ok`: `user` is the lower-cased address the client proved it holds the password of.
 * - `challenge`: answer 401 with these WWW-Authenticate values.
 * - `throttled`: the shared sign-in throttle refuses this client for `retryAfterSeconds`.
 * - `malformed`: unreadable credentials (400).
 */
export type SipAuthOutcome =
  | { readonly kind: 'ok'; readonly user: string }
  | { readonly kind: 'challenge'; readonly challenges: readonly string[] }
  | { readonly kind: 'throttled'; readonly retryAfterSeconds: number }
  | { readonly kind: 'malformed'; readonly reason: string };

/**
 * Digest authentication of every request (RFC 3261 §22, RFC 8760) over the directory's stored HA1s, counted in the
 * process's one sign-in throttle: a wrong digest is a failed sign-in exactly like a wrong EWS password, and a client
 * past its budget is refused before its digest is checked.
 */
export class SipAuthentication {
  private readonly digest: DigestAuthenticator;

  constructor(
    private readonly realm: string,
    directory: DirectoryRepository,
    private readonly throttle: SignInThrottle,
    nonceKey: Buffer = randomBytes(32),
  ) {
    this.digest = new DigestAuthenticator({
      realm,
      nonceKey,
      lookupHa1: (username, ha1Realm, algorithm) => directory.digestHa1(username, ha1Realm, algorithm),
      uriMatches: sameRequestUri,
    });
  }

  async authenticate(request: SipRequest, clientAddress: string): Promise<SipAuthOutcome> {
    const credentials = request.headers.getAll('Authorization');
    const account = accountOf(credentials, this.realm);
    if (account !== undefined) {
      const assessment = this.throttle.assess(account, clientAddress);
      if (assessment.refused) return { kind: 'throttled', retryAfterSeconds: Math.max(1, Math.ceil(assessment.retryAfterMs / 1000)) };
      if (assessment.delayMs > 0) await sleep(assessment.delayMs);
    }
    const outcome: DigestOutcome = await this.digest.verify({ method: request.method, requestUri: request.requestUriText, credentials });
    switch (outcome.kind) {
      case 'ok': {
        const user = outcome.username.toLowerCase();
        this.throttle.recordSuccess(user, clientAddress);
        return { kind: 'ok', user };
      }
      case 'challenge':
        return { kind: 'challenge', challenges: outcome.challenges };
      case 'invalid':
        if (isFailedSignIn(outcome)) this.throttle.recordFailure(outcome.username.toLowerCase(), clientAddress);
        return { kind: 'challenge', challenges: outcome.challenges };
      case 'malformed':
        return { kind: 'malformed', reason: outcome.reason };
    }
  }
}

/** The lower-cased username of the client's credentials for our realm, for the throttle's budgets. */
function accountOf(values: readonly string[], realm: string): string | undefined {
  for (const value of values) {
    const parsed = parseDigestCredentials(value);
    if (parsed.kind === 'digest' && parsed.credentials.realm === realm) return parsed.credentials.username.toLowerCase();
  }
  return undefined;
}

/** The digest-uri names the Request-URI when they are equal URIs (RFC 3261 §19.1.4), not only equal strings. */
function sameRequestUri(digestUri: string, requestUri: string): boolean {
  if (digestUri === requestUri) return true;
  const a = parseUri(digestUri);
  const b = parseUri(requestUri);
  return typeof a !== 'string' && typeof b !== 'string' && sipUriEquals(a, b);
}
