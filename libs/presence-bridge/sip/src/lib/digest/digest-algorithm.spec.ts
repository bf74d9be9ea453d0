import { DIGEST_LENGTH, digestAlgorithmOf, digestResponse, ha1 } from './digest-algorithm';
import { parseDigestCredentials } from './digest-credentials';

// RFC 7616 §3.9.1 (with erratum 4495: the password is "Circle of Life", lower-case "of"): the same request answered
// with MD5 and with SHA-256. The nonce, cnonce and expected responses are the RFC's test vectors.
const RFC_7616 = {
  username: 'Mufasa',
  password: 'Circle of Life',
  realm: 'http-auth@example.org',
  method: 'GET',
  uri: '/dir/index.html',
  nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
  cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
  opaque: 'FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS',
  nc: '00000001',
  responses: {
    MD5: '8ca523f5e9506fed4657c9700eebdbec',
    'SHA-256': '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1',
  },
} as const;

describe('digest computation', () => {
  it.each(['MD5', 'SHA-256'] as const)('reproduces the response of RFC 7616 §3.9.1 for %s', (algorithm) => {
    const response = digestResponse({
      algorithm,
      ha1: ha1(RFC_7616.username, RFC_7616.realm, RFC_7616.password, algorithm),
      nonce: RFC_7616.nonce,
      nc: RFC_7616.nc,
      cnonce: RFC_7616.cnonce,
      qop: 'auth',
      method: RFC_7616.method,
      digestUri: RFC_7616.uri,
    });
    expect(response).toBe(RFC_7616.responses[algorithm]);
  });

  it.each(['MD5', 'SHA-256'] as const)("reads the RFC's %s Authorization header and recomputes its response from it", (algorithm) => {
    // The header of RFC 7616 §3.9.1, written on one line.
    const header =
      `Digest username="Mufasa", realm="http-auth@example.org", uri="/dir/index.html", algorithm=${algorithm}, ` +
      `nonce="${RFC_7616.nonce}", nc=00000001, cnonce="${RFC_7616.cnonce}", qop=auth, ` +
      `response="${RFC_7616.responses[algorithm]}", opaque="${RFC_7616.opaque}"`;
    const parsed = parseDigestCredentials(header);
    if (parsed.kind !== 'digest') throw new Error(`not parsed: ${JSON.stringify(parsed)}`);
    const c = parsed.credentials;
    expect(digestAlgorithmOf(c.algorithm as string)).toBe(algorithm);
    const recomputed = digestResponse({
      algorithm,
      ha1: ha1(c.username, c.realm, RFC_7616.password, algorithm),
      nonce: c.nonce,
      nc: c.nc as string,
      cnonce: c.cnonce as string,
      qop: c.qop as string,
      method: 'GET',
      digestUri: c.uri,
    });
    expect(recomputed).toBe(c.response);
    expect(c.opaque).toBe(RFC_7616.opaque);
  });

  it('derives HA1 as H(username:realm:password) with the length of each hash', () => {
    expect(ha1('alice@parley.test', 'parley.test', 'pw', 'MD5')).toHaveLength(DIGEST_LENGTH.MD5);
    expect(ha1('alice@parley.test', 'parley.test', 'pw', 'SHA-256')).toHaveLength(DIGEST_LENGTH['SHA-256']);
    // A password equivalent per realm: the same password in another realm gives another HA1.
    expect(ha1('alice@parley.test', 'other.test', 'pw', 'MD5').equals(ha1('alice@parley.test', 'parley.test', 'pw', 'MD5'))).toBe(false);
    // Known value: MD5("a:b:c").
    expect(ha1('a', 'b', 'c', 'MD5').toString('hex')).toBe('02cc8f08398a4f3113b554e8105ebe4c');
  });

  it('knows SHA-256 and MD5 in any case, and nothing else', () => {
    expect(digestAlgorithmOf('sha-256')).toBe('SHA-256');
    expect(digestAlgorithmOf('md5')).toBe('MD5');
    expect(digestAlgorithmOf('MD5-sess')).toBeUndefined();
    expect(digestAlgorithmOf('SHA-512-256')).toBeUndefined();
  });
});
