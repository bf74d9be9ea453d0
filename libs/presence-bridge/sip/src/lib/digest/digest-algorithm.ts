import { createHash } from 'node:crypto';

/** The digest algorithms the SIP front offers (RFC 8760), in its order of preference: SHA-256 first, MD5 last. */
export const DIGEST_ALGORITHMS = ['SHA-256', 'MD5'] as const;
export type DigestAlgorithm = (typeof DIGEST_ALGORITHMS)[number];

const NODE_HASH: Record<DigestAlgorithm, string> = { 'SHA-256': 'sha256', MD5: 'md5' };

/** Bytes of H(…) for each algorithm: what a stored HA1 and a `response` directive decode to. */
export const DIGEST_LENGTH: Record<DigestAlgorithm, number> = { 'SHA-256': 32, MD5: 16 };

/** The algorithm an `algorithm` directive names (token, compared case-insensitively); undefined for any other (e.g. the -sess forms). */
export function digestAlgorithmOf(token: string): DigestAlgorithm | undefined {
  const upper = token.toUpperCase();
  return DIGEST_ALGORITHMS.find((algorithm) => algorithm === upper);
}

/** H(data) as raw bytes; the strings are hashed as UTF-8. */
export function digestHash(algorithm: DigestAlgorithm, data: string): Buffer {
  return createHash(NODE_HASH[algorithm]).update(data, 'utf8').digest();
}

/**
 * H(A1) for the non-session algorithms: H(username ":" realm ":" password) (RFC 7616 §3.4.2, which RFC 8760 applies to SIP).
 * It is a password equivalent for that realm: whoever holds it can answer any challenge of the realm, so it is stored like a
 * password hash and never logged.
 */
export function ha1(username: string, realm: string, password: string, algorithm: DigestAlgorithm): Buffer {
  return digestHash(algorithm, `${username}:${realm}:${password}`);
}

/**
 * The `response` value for qop=auth: KD(H(A1), nonce ":" nc ":" cnonce ":" qop ":" H(A2)) with A2 = method ":" digest-uri,
 * in lower-case hex. `qop` is the value as the client sent it (it hashed that spelling); callers accept only `auth`.
 */
export function digestResponse(input: {
  algorithm: DigestAlgorithm;
  ha1: Buffer;
  nonce: string;
  nc: string;
  cnonce: string;
  qop: string;
  method: string;
  digestUri: string;
}): string {
  const ha2 = digestHash(input.algorithm, `${input.method}:${input.digestUri}`).toString('hex');
  const data = [input.ha1.toString('hex'), input.nonce, input.nc, input.cnonce, input.qop, ha2].join(':');
  return digestHash(input.algorithm, data).toString('hex');
}
