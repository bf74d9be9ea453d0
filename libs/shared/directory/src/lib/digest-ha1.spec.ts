import { createHash } from 'node:crypto';
import { digestHa1 } from './digest-ha1';

// RFC 7616 §3.9.1 (password "Circle of Life" per erratum 4495): the stored HA1 must lead to the RFC's responses.
const RFC_7616 = {
  nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
  cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
  responses: {
    MD5: '8ca523f5e9506fed4657c9700eebdbec',
    'SHA-256': '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1',
  },
} as const;

describe('digestHa1', () => {
  it.each(['MD5', 'SHA-256'] as const)('gives the HA1 behind the %s response of RFC 7616 §3.9.1', (algorithm) => {
    const hash = (s: string) =>
      createHash(algorithm === 'MD5' ? 'md5' : 'sha256')
        .update(s)
        .digest('hex');
    const ha1 = digestHa1('Mufasa', 'http-auth@example.org', 'Circle of Life', algorithm).toString('hex');
    const response = hash([ha1, RFC_7616.nonce, '00000001', RFC_7616.cnonce, 'auth', hash('GET:/dir/index.html')].join(':'));
    expect(response).toBe(RFC_7616.responses[algorithm]);
  });

  it('normalizes the password to NFC, as the scrypt hash does', () => {
    const composed = digestHa1('u@x.test', 'r', 'caf\u00e9', 'MD5');
    expect(digestHa1('u@x.test', 'r', 'cafe\u0301', 'MD5').equals(composed)).toBe(true);
  });
});
