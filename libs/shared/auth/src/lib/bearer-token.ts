import { createHmac, timingSafeEqual } from 'node:crypto';

export interface BearerClaims {
  /** The mailbox address the token acts for. */
  sub: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

/** The only header Parley issues and accepts: `alg` is fixed, so `none` or RS/HS confusion cannot arise. */
const HEADER = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));

/**
 * HMAC-SHA256 JSON Web Tokens (compact JWS, `header.claims.mac`, all base64url): enough for an
 * application holding a shared key, without an identity provider. The three-part shape matters:
 * the EWS Managed API and its ports (ews-javascript-api) refuse a bearer token that is not one.
 * Issue with `signBearerToken` (`parley-admin token issue`).
 */
export function signBearerToken(key: string, claims: BearerClaims): string {
  const signed = `${HEADER}.${b64url(JSON.stringify({ sub: claims.sub, exp: claims.exp }))}`;
  return `${signed}.${b64url(createHmac('sha256', key).update(signed).digest())}`;
}

/** The claims of a valid, unexpired token; undefined for anything else (forged, expired, malformed). */
export function verifyBearerToken(key: string, token: string, nowMs = Date.now()): BearerClaims | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const expected = createHmac('sha256', key).update(`${parts[0]}.${parts[1]}`).digest();
  const given = Buffer.from(parts[2], 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  const header = parseJson(parts[0]);
  if (header?.['alg'] !== 'HS256') return undefined;
  const claims = parseJson(parts[1]);
  if (!claims) return undefined;
  const { sub, exp } = claims;
  if (typeof sub !== 'string' || sub === '' || typeof exp !== 'number' || !Number.isFinite(exp)) return undefined;
  if (exp * 1000 <= nowMs) return undefined;
  return { sub, exp };
}

function parseJson(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
