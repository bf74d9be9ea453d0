import { buildDigestChallenges, quoteString } from './digest-challenge';
import { parseDigestCredentials } from './digest-credentials';

describe('buildDigestChallenges', () => {
  const input = { realm: 'parley.test', nonce: 'n0nce', opaque: '0paque' };

  it('offers SHA-256 first and MD5 last (RFC 8760), with qop="auth" and the same nonce in each', () => {
    expect(buildDigestChallenges(input)).toEqual([
      'Digest realm="parley.test", nonce="n0nce", opaque="0paque", algorithm=SHA-256, qop="auth"',
      'Digest realm="parley.test", nonce="n0nce", opaque="0paque", algorithm=MD5, qop="auth"',
    ]);
  });

  it('adds stale=true to every header when asked', () => {
    const challenges = buildDigestChallenges({ ...input, stale: true });
    expect(challenges).toHaveLength(2);
    for (const challenge of challenges) expect(challenge.endsWith(', stale=true')).toBe(true);
  });

  it('escapes quotes and backslashes so the realm reads back unchanged', () => {
    expect(quoteString('a"b\\c')).toBe('"a\\"b\\\\c"');
    const [sha] = buildDigestChallenges({ ...input, realm: 'odd "realm" \\ here' });
    // A challenge has the credentials' syntax; reading it back with the credentials parser shows the round trip.
    const parsed = parseDigestCredentials(`${sha}, username="u", uri="sip:x", response="00", nc=00000001, cnonce="c"`);
    expect(parsed.kind === 'digest' && parsed.credentials.realm).toBe('odd "realm" \\ here');
  });
});
