import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export interface DigestNonceOptions {
  /** HMAC key (≥ 32 bytes), the same on every replica so that any of them can tell a nonce of ours from a forged one. */
  key: Buffer;
  /** Keys still accepted after a rotation (nonces they signed keep working until they expire). */
  previousKeys?: readonly Buffer[];
  lifetimeMs: number;
  /** Milliseconds since the epoch (tests inject a clock). */
  now: () => number;
  /** Tests inject fixed bytes; otherwise node:crypto's CSPRNG. */
  random?: (size: number) => Buffer;
}

/** Whether a nonce was issued by a holder of the key and is still within its lifetime. */
export type NonceStatus = 'valid' | 'expired' | 'forged';

const VERSION = 1;
const TIME_BYTES = 6;
const RANDOM_BYTES = 13;
const MAC_BYTES = 16;
const BODY_BYTES = 1 + TIME_BYTES + RANDOM_BYTES;
const NONCE_BYTES = BODY_BYTES + MAC_BYTES;
// Replicas' clocks differ a little: a nonce dated slightly in the future by another replica is still ours.
const CLOCK_SKEW_MS = 60_000;

/**
 * Stateless digest nonces: version, issue time (ms), 13 random bytes and a truncated HMAC-SHA256 over them, in base64url
 * (48 characters, all token-safe). Any replica holding the key checks authenticity and lifetime without a shared store;
 * which nonce counts a client has already used is the per-replica {@link NonceTracker}'s business.
 */
export class DigestNonces {
  private readonly keys: readonly Buffer[];
  private readonly random: (size: number) => Buffer;

  constructor(private readonly opts: DigestNonceOptions) {
    this.keys = [opts.key, ...(opts.previousKeys ?? [])];
    if (this.keys.some((key) => key.length < 32)) throw new Error('digest nonce keys must be at least 32 bytes');
    if (!(opts.lifetimeMs > 0)) throw new Error('digest nonce lifetime must be positive');
    this.random = opts.random ?? randomBytes;
  }

  issue(): string {
    const body = Buffer.alloc(BODY_BYTES);
    body.writeUInt8(VERSION, 0);
    body.writeUIntBE(Math.max(0, Math.floor(this.opts.now())), 1, TIME_BYTES);
    this.random(RANDOM_BYTES).copy(body, 1 + TIME_BYTES, 0, RANDOM_BYTES);
    return Buffer.concat([body, mac(this.keys[0], body)]).toString('base64url');
  }

  status(nonce: string): NonceStatus {
    const bytes = decode(nonce);
    if (!bytes) return 'forged';
    const body = bytes.subarray(0, BODY_BYTES);
    const tag = bytes.subarray(BODY_BYTES);
    if (!this.keys.some((key) => timingSafeEqual(mac(key, body), tag))) return 'forged';
    const age = this.opts.now() - body.readUIntBE(1, TIME_BYTES);
    return age > this.opts.lifetimeMs || age < -CLOCK_SKEW_MS ? 'expired' : 'valid';
  }

  /** The opaque sent with a nonce: bound to it by the current key, so a client that echoes one back can be checked. */
  opaqueFor(nonce: string): string {
    return opaque(this.keys[0], nonce);
  }

  /** Whether `value` is the opaque of `nonce` under any accepted key (compared in constant time). */
  opaqueMatches(nonce: string, value: string): boolean {
    const offered = Buffer.from(value, 'utf8');
    return this.keys.some((key) => {
      const expected = Buffer.from(opaque(key, nonce), 'utf8');
      return expected.length === offered.length && timingSafeEqual(expected, offered);
    });
  }
}

function mac(key: Buffer, body: Buffer): Buffer {
  return createHmac('sha256', key).update(body).digest().subarray(0, MAC_BYTES);
}

function opaque(key: Buffer, nonce: string): string {
  return createHmac('sha256', key).update(`opaque:${nonce}`).digest().subarray(0, 12).toString('base64url');
}

function decode(nonce: string): Buffer | undefined {
  if (!/^[A-Za-z0-9_-]{48}$/.test(nonce)) return undefined;
  const bytes = Buffer.from(nonce, 'base64url');
  return bytes.length === NONCE_BYTES && bytes[0] === VERSION ? bytes : undefined;
}
