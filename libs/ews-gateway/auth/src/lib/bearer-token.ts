import { createHmac, timingSafeEqual } from 'node:crypto';

export interface BearerClaims {
  /** The mailbox address the token acts for. */
  sub: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

/**
 * Compact HMAC-SHA256 tokens, `base64url(JSON claims).base64url(mac)`: enough for an
 * application holding a shared key, without an identity provider. Issue with `signBearerToken`.
 */
export function signBearerToken(key: string, claims: BearerClaims): string {
  const body = b64url(JSON.stringify({ sub: claims.sub, exp: claims.exp }));
  return `${body}.${b64url(createHmac('sha256', key).update(body).digest())}`;
}

/** The claims of a valid, unexpired token; undefined for anything else (forged, expired, malformed). */
export function verifyBearerToken(key: string, token: string, nowMs = Date.now()): BearerClaims | undefined {
  const parts = token.split('.');
  if (parts.length !== 2) return undefined;
  const expected = createHmac('sha256', key).update(parts[0]).digest();
  const given = Buffer.from(parts[1], 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof claims !== 'object' || claims === null) return undefined;
  const { sub, exp } = claims as Record<string, unknown>;
  if (typeof sub !== 'string' || sub === '' || typeof exp !== 'number' || !Number.isFinite(exp)) return undefined;
  if (exp * 1000 <= nowMs) return undefined;
  return { sub, exp };
}
