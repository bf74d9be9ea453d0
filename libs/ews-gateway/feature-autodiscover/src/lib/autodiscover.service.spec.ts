import { ClientAddressResolver } from '@parley/sign-in';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DirectoryRepository, DirectoryUser } from '@parley/directory';
import { AuthErrorCode, AuthException, type Authenticator } from '@parley/auth';
import { AutodiscoverService } from './autodiscover.service';

const ALICE: DirectoryUser = {
  id: '1',
  smtpAddress: 'alice@example.com',
  displayName: 'Alice',
  sipUri: null,
  phoneExtension: null,
  roles: [],
  impersonationScope: null,
};

/** Basic `alice:pw` signs in; anything else is refused as the real authenticator would. */
const authenticator = {
  authenticate: async (authorization: string | undefined) => {
    if (authorization === `Basic ${Buffer.from('alice:pw').toString('base64')}`) return ALICE;
    if (authorization === `Basic ${Buffer.from('mallory:guess').toString('base64')}`)
      throw new AuthException(AuthErrorCode.Throttled, 'Too many failures.', 2500);
    if (authorization === `Basic ${Buffer.from('broken:pw').toString('base64')}`) throw new Error('directory unreachable');
    throw new AuthException(AuthErrorCode.Unauthenticated, 'Credentials are required.');
  },
} as unknown as Authenticator;
const directory = {
  findByAddress: async (address: string) => (address === ALICE.smtpAddress ? ALICE : null),
} as unknown as DirectoryRepository;

/** `GET /autodiscover/autodiscover.xml` answered by the service, as the controller routes it. */
async function serve(publicUrl: string): Promise<{ base: string; close: () => Promise<void> }> {
  const service = new AutodiscoverService(authenticator, directory, new ClientAddressResolver(), {
    publicUrl,
    bodyLimitBytes: 65536,
    bodyTimeoutMs: 30_000,
    xmlLimits: {},
  });
  const server: Server = createServer((req, res) => void service.get(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}/autodiscover/autodiscover.xml`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('AutodiscoverService GET autodiscover.xml', () => {
  it('answers an unauthenticated plain-HTTP GET with 302 to the public HTTPS URL and an empty body', async () => {
    const { base, close } = await serve('https://mail.example.com/');
    try {
      const res = await fetch(base, { redirect: 'manual' });
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe('https://mail.example.com/autodiscover/autodiscover.xml');
      expect(await res.text()).toBe('');
    } finally {
      await close();
    }
  });

  it('challenges the GET that arrived over HTTPS, advertising the SOAP endpoint', async () => {
    const { base, close } = await serve('https://mail.example.com');
    try {
      const res = await fetch(base, { redirect: 'manual', headers: { 'x-forwarded-proto': 'https' } });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm="/);
      expect(res.headers.get('x-soap-enabled')).toBe('True');
    } finally {
      await close();
    }
  });

  it('answers an authenticated GET with the caller’s POX settings, not a redirect', async () => {
    const { base, close } = await serve('https://mail.example.com');
    try {
      const res = await fetch(base, {
        redirect: 'manual',
        headers: { authorization: `Basic ${Buffer.from('alice:pw').toString('base64')}` },
      });
      expect(res.status).toBe(200);
      expect(await res.text()).toMatch(/EwsUrl>https:\/\/mail\.example\.com\/EWS\/Exchange\.asmx</);
    } finally {
      await close();
    }
  });

  it('keeps answering 401 when the public URL is plain HTTP', async () => {
    const { base, close } = await serve('http://127.0.0.1:8080');
    try {
      const res = await fetch(base, { redirect: 'manual' });
      expect(res.status).toBe(401);
      expect(res.headers.get('location')).toBeNull();
    } finally {
      await close();
    }
  });
});

describe('AutodiscoverService POX refusals', () => {
  const get = async (user: string, password: string) => {
    const { base, close } = await serve('https://mail.example.com');
    try {
      const res = await fetch(base, { headers: { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` } });
      return { status: res.status, retryAfter: res.headers.get('retry-after'), text: await res.text() };
    } finally {
      await close();
    }
  };

  it('answers a throttled caller 503 with Retry-After and an Autodiscover error 603, not a SOAP fault', async () => {
    const answer = await get('mallory', 'guess');
    expect(answer.status).toBe(503);
    expect(answer.retryAfter).toBe('3');
    expect(answer.text).toMatch(/<(\w+:)?ErrorCode>603</);
    expect(answer.text).not.toMatch(/Envelope|Fault/);
  });

  it('answers a server failure 500 with an Autodiscover error 603 that tells nothing of the cause', async () => {
    const answer = await get('broken', 'pw');
    expect(answer.status).toBe(500);
    expect(answer.text).toMatch(/<(\w+:)?ErrorCode>603</);
    expect(answer.text).not.toContain('directory unreachable');
  });
});
