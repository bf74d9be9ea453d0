import { timingSafeEqual } from 'node:crypto';
import { DIGEST_LENGTH, type DigestAlgorithm, digestAlgorithmOf, digestResponse, ha1 } from './digest-algorithm';
import { buildDigestChallenges } from './digest-challenge';
import { type DigestCredentials, parseDigestCredentials } from './digest-credentials';
import { DigestNonces } from './digest-nonce';
import { NonceTracker } from './nonce-tracker';

/**
 * The stored H(A1) of `username` in `realm` for `algorithm`, or undefined when there is none (unknown user, or no HA1
 * stored for that algorithm). The username is passed exactly as the client sent it.
 */
export type Ha1Lookup = (username: string, realm: string, algorithm: DigestAlgorithm) => Promise<Buffer | undefined>;

export interface DigestAuthenticatorOptions {
  realm: string;
  /** HMAC key of the nonces (≥ 32 bytes), the same on every replica. */
  nonceKey: Buffer;
  previousNonceKeys?: readonly Buffer[];
  lookupHa1: Ha1Lookup;
  /** How long a client may reuse a nonce (with increasing nc); default 600 s. */
  nonceLifetimeMs?: number;
  /** Bound of the per-replica nonce-count table; default 50,000 nonces. */
  maxTrackedNonces?: number;
  /**
   * Whether the digest-uri names the request's Request-URI (RFC 3261 §22.4). Default: the same string. The SIP front may
   * pass the codec's URI equivalence instead.
   */
  uriMatches?: (digestUri: string, requestUri: string) => boolean;
  now?: () => number;
  random?: (size: number) => Buffer;
}

/** The request being authenticated. */
export interface DigestRequest {
  method: string;
  requestUri: string;
  /** Every `Authorization` (or, for a proxy, `Proxy-Authorization`) value of the request, in order; never comma-split. */
  credentials: readonly string[];
}

/** Why credentials were refused; only `wrong-response` means a password (or HA1) was tested and found wrong. */
export type DigestInvalidReason =
  | 'wrong-response'
  | 'realm-mismatch'
  | 'uri-mismatch'
  | 'forged-nonce'
  | 'opaque-mismatch'
  | 'replayed-nc'
  | 'unsupported-algorithm'
  | 'unsupported-qop';

/**
 * - `ok`: authenticated as `username` (as the client sent it).
 * - `challenge`: answer 401 with `challenges`; `stale` when the client's digest was right but its nonce is no longer
 *   usable (expired, or not tracked by this replica), so it retries without prompting its user.
 * - `invalid`: answer 401 with `challenges`; a `wrong-response` counts as a failed sign-in of `username`.
 * - `malformed`: the credentials cannot be read; answer 400.
 */
export type DigestOutcome =
  | { kind: 'ok'; username: string; algorithm: DigestAlgorithm }
  | { kind: 'challenge'; stale: boolean; challenges: string[] }
  | { kind: 'invalid'; reason: DigestInvalidReason; username: string; challenges: string[] }
  | { kind: 'malformed'; reason: string };

/** Whether an outcome counts towards the sign-in throttle (the same lockout-free throttling as EWS). */
export function isFailedSignIn(outcome: DigestOutcome): boolean {
  return outcome.kind === 'invalid' && outcome.reason === 'wrong-response';
}

const DEFAULT_LIFETIME_MS = 600_000;
const DEFAULT_MAX_TRACKED = 50_000;
const HEX = /^[0-9a-fA-F]*$/;

/**
 * SIP digest authentication (RFC 3261 §22 with RFC 8760: SHA-256 and MD5, qop=auth) for a registrar / UAS. Pure apart
 * from the injected HA1 lookup: the SIP front passes each request here and turns the outcome into 200-path, 401 or 400.
 */
export class DigestAuthenticator {
  private readonly nonces: DigestNonces;
  private readonly tracker: NonceTracker;
  private readonly uriMatches: (digestUri: string, requestUri: string) => boolean;
  /** Compared against when the user or its HA1 is unknown, so that costs what a wrong password costs. */
  private readonly dummyHa1: Record<DigestAlgorithm, Buffer>;

  constructor(private readonly opts: DigestAuthenticatorOptions) {
    const now = opts.now ?? Date.now;
    this.nonces = new DigestNonces({
      key: opts.nonceKey,
      previousKeys: opts.previousNonceKeys,
      lifetimeMs: opts.nonceLifetimeMs ?? DEFAULT_LIFETIME_MS,
      now,
      random: opts.random,
    });
    this.tracker = new NonceTracker(opts.maxTrackedNonces ?? DEFAULT_MAX_TRACKED);
    this.uriMatches = opts.uriMatches ?? ((digestUri, requestUri) => digestUri === requestUri);
    this.dummyHa1 = { 'SHA-256': ha1('', opts.realm, '', 'SHA-256'), MD5: ha1('', opts.realm, '', 'MD5') };
  }

  /** The `WWW-Authenticate` values of a fresh challenge (SHA-256 first, MD5 last); its nonce is tracked from now on. */
  challenge(stale = false): string[] {
    const nonce = this.nonces.issue();
    this.tracker.track(nonce);
    return buildDigestChallenges({ realm: this.opts.realm, nonce, opaque: this.nonces.opaqueFor(nonce), stale });
  }

  async verify(request: DigestRequest): Promise<DigestOutcome> {
    const offered: DigestCredentials[] = [];
    for (const value of request.credentials) {
      const parsed = parseDigestCredentials(value);
      if (parsed.kind === 'malformed') return parsed;
      if (parsed.kind === 'digest') offered.push(parsed.credentials);
    }
    if (offered.length === 0) return { kind: 'challenge', stale: false, challenges: this.challenge() };
    // Credentials for other realms (e.g. an outbound proxy's) may ride along; only ours are checked (RFC 3261 §22.3).
    const credentials = offered.find((c) => c.realm === this.opts.realm);
    if (!credentials) return this.invalid('realm-mismatch', offered[0].username);

    const algorithm = digestAlgorithmOf(credentials.algorithm ?? 'MD5');
    if (!algorithm) return this.invalid('unsupported-algorithm', credentials.username);
    // Without qop there is no nonce count, so nothing stops a replay within the nonce's lifetime.
    if (credentials.qop?.toLowerCase() !== 'auth') return this.invalid('unsupported-qop', credentials.username);
    if (!this.uriMatches(credentials.uri, request.requestUri)) return this.invalid('uri-mismatch', credentials.username);
    const nonceStatus = this.nonces.status(credentials.nonce);
    if (nonceStatus === 'forged') return this.invalid('forged-nonce', credentials.username);
    if (credentials.opaque !== undefined && !this.nonces.opaqueMatches(credentials.nonce, credentials.opaque)) {
      return this.invalid('opaque-mismatch', credentials.username);
    }

    const stored = await this.opts.lookupHa1(credentials.username, this.opts.realm, algorithm);
    const usable = stored !== undefined && stored.length === DIGEST_LENGTH[algorithm];
    const expected = digestResponse({
      algorithm,
      ha1: usable ? stored : this.dummyHa1[algorithm],
      nonce: credentials.nonce,
      nc: credentials.nc as string,
      cnonce: credentials.cnonce as string,
      qop: credentials.qop,
      method: request.method,
      digestUri: credentials.uri,
    });
    const matches = constantTimeHexEqual(expected, credentials.response);
    if (!usable || !matches) return this.invalid('wrong-response', credentials.username);

    // The client knows the password: an unusable nonce is only stale (RFC 7616 §3.3), never a failed sign-in.
    if (nonceStatus === 'expired') {
      this.tracker.forget(credentials.nonce);
      return { kind: 'challenge', stale: true, challenges: this.challenge(true) };
    }
    const counted = this.tracker.use(credentials.nonce, parseInt(credentials.nc as string, 16));
    if (counted === 'untracked') return { kind: 'challenge', stale: true, challenges: this.challenge(true) };
    if (counted === 'replayed') return this.invalid('replayed-nc', credentials.username);
    return { kind: 'ok', username: credentials.username, algorithm };
  }

  private invalid(reason: DigestInvalidReason, username: string): DigestOutcome {
    return { kind: 'invalid', reason, username, challenges: this.challenge() };
  }
}

/** Hex digests compared as bytes in constant time (the expected one is lower case; clients may send upper case). */
function constantTimeHexEqual(expectedHex: string, offeredHex: string): boolean {
  const expected = Buffer.from(expectedHex, 'hex');
  const offered = HEX.test(offeredHex) && offeredHex.length === expectedHex.length ? Buffer.from(offeredHex, 'hex') : undefined;
  // Compare against itself when the offer has the wrong shape, so the time does not depend on it.
  const equal = timingSafeEqual(expected, offered ?? expected);
  return offered !== undefined && equal;
}
