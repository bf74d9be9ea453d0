import { AddressList, ClientAddressResolver, normalizeIpAddress, parseTrustedProxies, UNKNOWN_CLIENT_ADDRESS } from './client-address';

describe('normalizeIpAddress', () => {
  it.each([
    ['10.0.0.1', '10.0.0.1'],
    [' 10.0.0.1 ', '10.0.0.1'],
    ['10.0.0.1:5060', '10.0.0.1'],
    ['"10.0.0.1"', '10.0.0.1'],
    ['::ffff:10.0.0.1', '10.0.0.1'],
    ['::FFFF:10.0.0.1', '10.0.0.1'],
    ['0:0:0:0:0:ffff:10.0.0.1', '10.0.0.1'],
    ['::ffff:a00:1', '10.0.0.1'],
    ['2001:DB8:0:0::1', '2001:db8::1'],
    ['[2001:db8::1]', '2001:db8::1'],
    ['[2001:db8::1]:443', '2001:db8::1'],
    ['"[2001:db8::1]:443"', '2001:db8::1'],
    ['::1', '::1'],
  ])('%j → %s', (text, expected) => expect(normalizeIpAddress(text)).toBe(expected));

  it.each([
    '',
    'unknown',
    '_hidden',
    '10.0.0',
    '10.0.0.256',
    '10.0.0.1:',
    '10.0.0.1:99999',
    'fe80::1%eth0',
    '[2001:db8::1',
    'a'.repeat(100),
    '1.2.3.4\u0000',
    '[10.0.0.1]x',
  ])('refuses %j', (text) => expect(normalizeIpAddress(text)).toBeUndefined());
});

describe('parseTrustedProxies', () => {
  it('reads addresses and CIDRs of both families', () => {
    expect(parseTrustedProxies(' 10.0.0.0/8, 127.0.0.4 ,2001:db8::/32,,::1 ')).toEqual(['10.0.0.0/8', '127.0.0.4', '2001:db8::/32', '::1']);
    expect(parseTrustedProxies(undefined)).toEqual([]);
    expect(parseTrustedProxies('')).toEqual([]);
  });

  it.each(['10.0.0.0/33', '2001:db8::/129', '10.0.0.0/x', 'proxy.local', '10.0.0.0/8/8', '10.0.0.1/-1'])(
    'names a bad entry: %j',
    (text) => {
      expect(() => parseTrustedProxies(text)).toThrow(text);
    },
  );
});

describe('ClientAddressResolver', () => {
  const proxies = new ClientAddressResolver(['127.0.0.4', '10.0.0.0/8', '2001:db8:ffff::/48', '::ffff:192.168.0.0/112']);
  const none = new ClientAddressResolver([]);

  const cases: { name: string; peer: string | undefined; xff?: string | string[]; expected: string; resolver?: ClientAddressResolver }[] = [
    {
      name: 'the peer when nothing is trusted, whatever it forwards',
      peer: '127.0.0.4',
      xff: '198.51.100.7',
      expected: '127.0.0.4',
      resolver: none,
    },
    { name: 'the peer when it is not a trusted proxy', peer: '192.0.2.1', xff: '198.51.100.7', expected: '192.0.2.1' },
    { name: 'the forwarded client of a trusted peer', peer: '127.0.0.4', xff: '198.51.100.7', expected: '198.51.100.7' },
    { name: 'an IPv4-mapped trusted peer', peer: '::ffff:127.0.0.4', xff: '198.51.100.7', expected: '198.51.100.7' },
    {
      name: 'the right-most untrusted hop of a chain',
      peer: '10.1.1.1',
      xff: '203.0.113.9, 198.51.100.7, 10.2.2.2',
      expected: '198.51.100.7',
    },
    { name: 'a forged left part is ignored', peer: '127.0.0.4', xff: '1.1.1.1, 198.51.100.7', expected: '198.51.100.7' },
    {
      name: 'several header lines are one list',
      peer: '127.0.0.4',
      xff: ['203.0.113.9', '198.51.100.7, 10.0.0.2'],
      expected: '198.51.100.7',
    },
    {
      name: 'IPv6 hops with ports and brackets',
      peer: '2001:db8:ffff::1',
      xff: '"[2001:DB8:1::5]:1234", [2001:db8:ffff::2]',
      expected: '2001:db8:1::5',
    },
    { name: 'an IPv4-mapped CIDR trusts the IPv4 range', peer: '192.168.3.4', xff: '198.51.100.7', expected: '198.51.100.7' },
    { name: 'a trusted peer without the header is the client', peer: '127.0.0.4', expected: '127.0.0.4' },
    { name: 'an all-trusted chain gives the left-most', peer: '127.0.0.4', xff: '10.0.0.9, 10.0.0.8', expected: '10.0.0.9' },
    {
      name: 'garbage right of the client stops at the last trusted hop',
      peer: '127.0.0.4',
      xff: '198.51.100.7, unknown, 10.0.0.3',
      expected: '10.0.0.3',
    },
    { name: 'a garbage-only header gives the peer', peer: '127.0.0.4', xff: 'not an address', expected: '127.0.0.4' },
    { name: 'an empty header gives the peer', peer: '127.0.0.4', xff: '', expected: '127.0.0.4' },
    { name: 'a socket that lost its peer', peer: undefined, xff: '198.51.100.7', expected: UNKNOWN_CLIENT_ADDRESS },
  ];

  it.each(cases)('$name', ({ peer, xff, expected, resolver }) => {
    expect((resolver ?? proxies).resolve({ peer, forwardedFor: xff })).toBe(expected);
  });

  it('walks a huge header without trouble', () => {
    const xff = `${Array.from({ length: 5000 }, () => '10.0.0.1').join(',')}, 198.51.100.7`;
    expect(proxies.resolve({ peer: '127.0.0.4', forwardedFor: xff })).toBe('198.51.100.7');
  });
});

describe('AddressList', () => {
  it('matches addresses inside its entries, in any form, and nothing when empty', () => {
    const list = new AddressList(['127.0.0.0/8', '192.0.2.10', '2001:db8::/32']);
    expect(
      ['127.0.0.1', '127.255.0.9', '::ffff:127.0.0.1', '192.0.2.10', '2001:DB8::5', '[2001:db8::1]:25'].map((a) => list.includes(a)),
    ).toEqual([true, true, true, true, true, true]);
    expect(['128.0.0.1', '192.0.2.11', '2001:db9::1', 'not-an-ip', ''].some((a) => list.includes(a))).toBe(false);
    expect(new AddressList([]).includes('127.0.0.1')).toBe(false);
    expect(() => new AddressList(['10.0.0.0/33'])).toThrow(/prefix out of range/);
  });
});
