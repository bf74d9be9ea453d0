import { NotificationException } from './notification.exception';
import { PushDestinationPolicy, type HostResolver } from './push-destination.policy';

/** A resolver answering from a table, as DNS would; an unknown name does not resolve. */
function resolverOf(table: Record<string, string[]>): HostResolver {
  return async (host) => {
    const addresses = table[host];
    if (addresses === undefined) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return addresses;
  };
}

async function refusal(policy: PushDestinationPolicy, url: string): Promise<string> {
  try {
    await policy.check(url);
  } catch (error) {
    expect(error).toBeInstanceOf(NotificationException);
    expect((error as NotificationException).code).toBe('ErrorInvalidPushSubscriptionUrl');
    return (error as NotificationException).message;
  }
  throw new Error(`${url} was allowed`);
}

describe('PushDestinationPolicy', () => {
  const dns = resolverOf({
    'listener.example.com': ['93.184.216.34'],
    'v6.example.com': ['2606:2800:220:1:248:1893:25c8:1946'],
    'metadata.attacker.example': ['169.254.169.254'],
    'mixed.example.com': ['93.184.216.34', '10.0.0.5'],
    'hooks.internal': ['10.20.30.40'],
    localhost: ['127.0.0.1', '::1'],
  });
  const closed = new PushDestinationPolicy({ cidrs: [], hosts: [] }, dns);

  it('allows public unicast destinations and pins the address it checked', async () => {
    const destination = await closed.check('https://listener.example.com/ews/push?x=1');
    expect(destination.address).toBe('93.184.216.34');
    expect(destination.family).toBe(4);
    expect(destination.url.host).toBe('listener.example.com');
    await expect(closed.check('http://v6.example.com:8080/cb')).resolves.toMatchObject({
      address: '2606:2800:220:1:248:1893:25c8:1946',
      family: 6,
    });
    await expect(closed.check('http://93.184.216.34/cb')).resolves.toMatchObject({ address: '93.184.216.34' });
  });

  it.each([
    ['loopback', 'http://127.0.0.1:8080/cb'],
    ['loopback by another spelling', 'http://2130706433/cb'],
    ['IPv6 loopback', 'http://[::1]/cb'],
    ['IPv4-mapped loopback', 'http://[::ffff:127.0.0.1]/cb'],
    ['the metadata service', 'http://169.254.169.254/latest/meta-data/'],
    ['link-local IPv6', 'http://[fe80::1]/cb'],
    ['private 10/8', 'http://10.1.2.3/cb'],
    ['private 172.16/12', 'http://172.31.255.1/cb'],
    ['private 192.168/16', 'http://192.168.1.1/cb'],
    ['carrier-grade NAT', 'http://100.64.0.1/cb'],
    ['"this network"', 'http://0.0.0.0/cb'],
    ['unique local IPv6', 'http://[fd12::1]/cb'],
    ['multicast', 'http://224.0.0.1/cb'],
    ['a name resolving to the metadata service', 'http://metadata.attacker.example/cb'],
    ['a name with one internal address among public ones', 'http://mixed.example.com/cb'],
    ['localhost', 'http://localhost:9/cb'],
  ])('refuses %s by default', async (_what, url) => {
    expect(await refusal(closed, url)).toMatch(/not allowed/);
  });

  it('refuses what is not an http(s) URL, carries credentials or does not resolve', async () => {
    expect(await refusal(closed, 'ftp://listener.example.com/cb')).toMatch(/http or https/);
    expect(await refusal(closed, 'file:///etc/passwd')).toMatch(/http or https/);
    expect(await refusal(closed, '/relative/path')).toMatch(/valid absolute URL/);
    expect(await refusal(closed, 'http://user:pw@listener.example.com/cb')).toMatch(/credentials/);
    expect(await refusal(closed, 'http://nowhere.example.com/cb')).toMatch(/does not resolve/);
  });

  it('lets the allow list open named CIDRs and host names, and nothing else', async () => {
    const open = new PushDestinationPolicy({ cidrs: ['127.0.0.1/32', '10.0.0.0/8'], hosts: ['hooks.internal'] }, dns);
    await expect(open.check('http://127.0.0.1:4567/cb')).resolves.toMatchObject({ address: '127.0.0.1' });
    await expect(open.check('http://10.9.8.7/cb')).resolves.toMatchObject({ address: '10.9.8.7' });
    await expect(open.check('http://HOOKS.internal/cb')).resolves.toMatchObject({ address: '10.20.30.40' });
    await expect(open.check('http://mixed.example.com/cb')).resolves.toMatchObject({ address: '93.184.216.34' });
    // Still closed: the rest of loopback, link-local, other private ranges.
    expect(await refusal(open, 'http://127.0.0.2/cb')).toMatch(/not allowed/);
    expect(await refusal(open, 'http://[::1]/cb')).toMatch(/not allowed/);
    expect(await refusal(open, 'http://169.254.169.254/cb')).toMatch(/not allowed/);
    expect(await refusal(open, 'http://192.168.0.1/cb')).toMatch(/not allowed/);
    // localhost resolves to 127.0.0.1 and ::1; ::1 is not listed.
    expect(await refusal(open, 'http://localhost/cb')).toMatch(/::1 are not allowed/);
  });
});
