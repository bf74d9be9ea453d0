import { createHash } from 'node:crypto';

/** The SIP digest algorithms whose HA1 the directory keeps (RFC 8760): SHA-256 and MD5. */
export const DIGEST_HA1_ALGORITHMS = ['SHA-256', 'MD5'] as const;
export type DigestHa1Algorithm = (typeof DIGEST_HA1_ALGORITHMS)[number];

/**
 * H(username ":" realm ":" password) (RFC 7616 §3.4.2): the password equivalent SIP digest checks against. The directory
 * computes it itself because it may not depend on the SIP lib; the SIP lib's spec checks the same RFC vectors. The
 * password is NFC-normalized as for the scrypt hash, so the same typed password works on both paths.
 */
export function digestHa1(username: string, realm: string, password: string, algorithm: DigestHa1Algorithm): Buffer {
  return createHash(algorithm === 'MD5' ? 'md5' : 'sha256')
    .update(`${username}:${realm}:${password.normalize('NFC')}`, 'utf8')
    .digest();
}
