// The built embedded app with its defaults (no PARLEY_TRUSTED_PROXIES) on one data directory,
// restarted: what an administrator changed with the admin CLI survives the start-up's demo seed,
// and without trusted proxies X-Forwarded-For changes nothing.
import { request } from 'node:http';
import { basic, EmbeddedParley, runAdmin, soapRequest, startEmbeddedParley } from './ews-embedded';

/** Failed sign-ins of one account from one address before it is refused (the default). */
const MAX_FAILURES_PER_ACCOUNT_ADDRESS = 10;

describe('embedded mode: sign-in and the demo seed across restarts', () => {
  let parley: EmbeddedParley;
  const admin = (...args: string[]) => runAdmin(parley.databaseUrl(), args);
  const appRoles = async () => (await admin('user', 'list')).split('\n').find((line) => line.startsWith('app@parley.test')) ?? '';

  /** GetUserOofSettings on alice's mailbox, as `user`, impersonating alice when asked, from local address `from`. */
  function ews(from: string, authorization: string, opts: { impersonate?: string; forwardedFor?: string } = {}) {
    const header = `<t:RequestServerVersion Version="Exchange2013_SP1"/>${opts.impersonate ? `<t:ExchangeImpersonation><t:ConnectingSID><t:SmtpAddress>${opts.impersonate}</t:SmtpAddress></t:ConnectingSID></t:ExchangeImpersonation>` : ''}`;
    const body = soapRequest(
      '<m:GetUserOofSettingsRequest><t:Mailbox><t:Address>alice@parley.test</t:Address></t:Mailbox></m:GetUserOofSettingsRequest>',
      header,
    );
    const url = new URL('/EWS/Exchange.asmx', parley.base);
    const headers: Record<string, string> = { 'content-type': 'text/xml; charset=utf-8', authorization };
    if (opts.forwardedFor) headers['x-forwarded-for'] = opts.forwardedFor;
    return new Promise<{ status: number; text: string; challenge: string | undefined }>((resolve, reject) => {
      const req = request(
        { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', localAddress: from, agent: false, headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              text: Buffer.concat(chunks).toString('utf8'),
              challenge: res.headers['www-authenticate'],
            }),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }
  const asApp = (impersonate: string) => ews('127.0.0.1', basic('app@parley.test', 'app-demo-pw'), { impersonate });

  beforeAll(async () => {
    // Short account delays keep the case fast; the rest is as a fresh install has it.
    parley = await startEmbeddedParley({ PARLEY_SIGN_IN_ACCOUNT_DELAY_STEP_MS: '10', PARLEY_SIGN_IN_ACCOUNT_MAX_DELAY_MS: '50' });
  });

  afterAll(async () => {
    await parley?.stop();
  });

  it('keeps an administrator’s impersonation scope and a revocation across restarts', async () => {
    expect(await appRoles()).toMatch(/ApplicationImpersonation \(all mailboxes\)$/);
    await admin('role', 'grant', 'app@parley.test', 'ApplicationImpersonation', '--scope', 'bob@parley.test');
    await parley.restart();
    expect(await appRoles()).toMatch(/ApplicationImpersonation \(scope: bob@parley\.test\)$/);
    const denied = await asApp('alice@parley.test');
    expect(denied.status).toBe(500);
    expect(denied.text).toContain('ErrorImpersonateUserDenied');
    expect((await asApp('bob@parley.test')).status).toBe(200);

    await admin('role', 'revoke', 'app@parley.test', 'ApplicationImpersonation');
    await parley.restart();
    expect(await appRoles()).toMatch(/ -$/);
    expect((await asApp('bob@parley.test')).text).toContain('ErrorImpersonateUserDenied');
  });

  it('answers a NUL byte in the user name with the 401 challenge, and its log stays JSON', async () => {
    const mark = parley.proc.output().length;
    for (const user of ['alice\u0000@parley.test', '\u0000']) {
      const answer = await ews('127.0.0.8', basic(user, 'alice-demo-pw'));
      expect(answer.status).toBe(401);
      expect(answer.challenge).toMatch(/^Basic realm="/);
    }
    // Before, the name reached PostgreSQL: a 500, and TypeORM's multi-line plain-text report in the log.
    const lines = parley.proc
      .output()
      .slice(mark)
      .split('\n')
      .filter((line) => line.trim() !== '');
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
  });

  it('ignores X-Forwarded-For when no proxy is trusted', async () => {
    const wrong = basic('carol@parley.test', 'guess');
    for (let i = 0; i < MAX_FAILURES_PER_ACCOUNT_ADDRESS; i++) {
      // Each claims another client; all come from one peer, and only the peer counts.
      expect((await ews('127.0.0.4', wrong, { forwardedFor: `198.51.100.${i + 1}` })).status).toBe(401);
    }
    const refused = await ews('127.0.0.4', basic('carol@parley.test', 'carol-demo-pw'), { forwardedFor: '198.51.100.200' });
    expect(refused.status).toBe(500);
    expect(refused.text).toContain('ErrorServerBusy');
    // The owner, from elsewhere, is not refused.
    expect((await ews('127.0.0.7', basic('carol@parley.test', 'carol-demo-pw'))).status).toBe(200);
  });
});
