import { DigestNonces } from './digest-nonce';

const KEY = Buffer.alloc(32, 7);
const OTHER_KEY = Buffer.alloc(32, 9);

function nonces(clock: { now: number }, key = KEY, previousKeys: Buffer[] = []) {
  return new DigestNonces({ key, previousKeys, lifetimeMs: 300_000, now: () => clock.now });
}

describe('DigestNonces', () => {
  it('issues distinct, token-safe nonces that are valid for their lifetime and then expire', () => {
    const clock = { now: 1_800_000_000_000 };
    const issuer = nonces(clock);
    const nonce = issuer.issue();
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{48}$/);
    expect(issuer.issue()).not.toBe(nonce);
    expect(issuer.status(nonce)).toBe('valid');
    clock.now += 300_000;
    expect(issuer.status(nonce)).toBe('valid');
    clock.now += 1;
    expect(issuer.status(nonce)).toBe('expired');
  });

  it('is checked by another replica holding the same key, with no shared state', () => {
    const clock = { now: 1_800_000_000_000 };
    const nonce = nonces(clock).issue();
    expect(nonces(clock).status(nonce)).toBe('valid');
    expect(nonces(clock, OTHER_KEY).status(nonce)).toBe('forged');
  });

  it('refuses a nonce with any byte changed, including its issue time', () => {
    const clock = { now: 1_800_000_000_000 };
    const issuer = nonces(clock);
    const bytes = Buffer.from(issuer.issue(), 'base64url');
    for (let i = 0; i < bytes.length; i++) {
      const tampered = Buffer.from(bytes);
      tampered[i] ^= 0x01;
      expect(issuer.status(tampered.toString('base64url'))).toBe('forged');
    }
    expect(issuer.status('')).toBe('forged');
    expect(issuer.status('7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v')).toBe('forged');
    expect(issuer.status(`${bytes.toString('base64url')}AAAA`)).toBe('forged');
  });

  it('treats a nonce dated far in the future as expired, but tolerates a minute of clock skew between replicas', () => {
    const ahead = { now: 1_800_000_000_000 + 30_000 };
    const farAhead = { now: 1_800_000_000_000 + 120_000 };
    const here = { now: 1_800_000_000_000 };
    expect(nonces(here).status(nonces(ahead).issue())).toBe('valid');
    expect(nonces(here).status(nonces(farAhead).issue())).toBe('expired');
  });

  it('keeps accepting nonces of a previous key after a rotation', () => {
    const clock = { now: 1_800_000_000_000 };
    const old = nonces(clock, OTHER_KEY).issue();
    const rotated = nonces(clock, KEY, [OTHER_KEY]);
    expect(rotated.status(old)).toBe('valid');
    expect(rotated.opaqueMatches(old, nonces(clock, OTHER_KEY).opaqueFor(old))).toBe(true);
  });

  it('binds the opaque to its nonce', () => {
    const clock = { now: 1_800_000_000_000 };
    const issuer = nonces(clock);
    const [a, b] = [issuer.issue(), issuer.issue()];
    expect(issuer.opaqueMatches(a, issuer.opaqueFor(a))).toBe(true);
    expect(issuer.opaqueMatches(a, issuer.opaqueFor(b))).toBe(false);
    expect(issuer.opaqueMatches(a, '')).toBe(false);
  });

  it('refuses short keys and a lifetime that is not positive', () => {
    expect(() => new DigestNonces({ key: Buffer.alloc(16), lifetimeMs: 1, now: Date.now })).toThrow('at least 32 bytes');
    expect(() => new DigestNonces({ key: KEY, lifetimeMs: 0, now: Date.now })).toThrow('lifetime');
  });
});
