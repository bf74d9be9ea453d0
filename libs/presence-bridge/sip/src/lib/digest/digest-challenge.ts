import { DIGEST_ALGORITHMS } from './digest-algorithm';

/** What one 401 (or 407) offers; the same nonce and opaque serve every algorithm, so one nonce is tracked per challenge. */
export interface DigestChallengeInput {
  realm: string;
  nonce: string;
  opaque: string;
  /** The client's credentials were right for a nonce that is no longer usable: it may retry without asking its user. */
  stale?: boolean;
}

/** A quoted-string (RFC 3261 §25.1) holding `text`: `"` and `\` escaped. */
export function quoteString(text: string): string {
  return `"${text.replace(/[\\"]/g, (ch) => `\\${ch}`)}"`;
}

/**
 * The `WWW-Authenticate` (or `Proxy-Authenticate`) values of one challenge, one per algorithm in RFC 8760's order of
 * preference: SHA-256 first, MD5 last. Widely used clients read only the last header and know only MD5, so MD5 must stay last.
 */
export function buildDigestChallenges(input: DigestChallengeInput): string[] {
  return DIGEST_ALGORITHMS.map((algorithm) => {
    const parts = [
      `realm=${quoteString(input.realm)}`,
      `nonce=${quoteString(input.nonce)}`,
      `opaque=${quoteString(input.opaque)}`,
      `algorithm=${algorithm}`,
      'qop="auth"',
    ];
    if (input.stale) parts.push('stale=true');
    return `Digest ${parts.join(', ')}`;
  });
}
