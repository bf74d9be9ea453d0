// A real EWS client (ews-javascript-api) against the distributed deployment: the four services as
// separate processes over their own Kafka broker and a fresh PostgreSQL database. The gateway
// reaches calendar-sync's OOF settings by request/reply over Kafka; this is the issue's "in CI,
// against the separate processes over real Kafka and PostgreSQL".
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { createTestDatabase, DedicatedKafkaBroker, freePort, RunningProcess, startProcess, waitForHttpOk } from '@parley/testing';
import * as ews from 'ews-javascript-api';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { ewsService, useNodeXhr } from './ews-embedded';
import { appBundle, repoRoot } from './repo';

describe('EWS out-of-office with ews-javascript-api (four processes over Kafka)', () => {
  const services = ['calendar-sync', 'presence-bridge', 'voicemail-ingest', 'ews-gateway'] as const;
  const run = randomUUID().slice(0, 8);
  const processes: RunningProcess[] = [];
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let broker: DedicatedKafkaBroker;
  let base: string;
  let gatewayEnv: NodeJS.ProcessEnv;

  // Demo users exist only in embedded mode: these are created with the admin CLI.
  const ALICE = `alice-${run}@parley.test`;
  const BOB = `bob-${run}@parley.test`;
  const APP = `app-${run}@parley.test`;
  const CAROL = `carol-${run}@parley.test`;
  const password = (address: string) => `${address.split('@')[0]}-pw`;
  const tokenKey = randomBytes(32).toString('base64url');

  /** The built admin CLI, as an operator runs it; resolves with its standard output. */
  async function admin(args: string[]): Promise<string> {
    const { stdout } = await promisify(execFile)(process.execPath, [appBundle('parley-admin'), ...args], {
      env: { ...process.env, DATABASE_URL: db.url, PARLEY_EWS_TOKEN_KEY: tokenKey },
    });
    return stdout;
  }

  beforeAll(async () => {
    useNodeXhr();
    broker = await DedicatedKafkaBroker.start(repoRoot);
    db = await createTestDatabase('e2e_ews_kafka');
    const env: NodeJS.ProcessEnv = {
      DATABASE_URL: db.url,
      KAFKA_BROKERS: broker.brokers,
      PARLEY_BUS: 'kafka',
      KAFKA_GROUP_PREFIX: `e2e-ews-${run}`,
      KAFKA_PARTITIONS: '3',
      PARLEY_LOG_LEVEL: 'warn',
      PARLEY_OUTBOX_POLL_MS: '200',
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
      PARLEY_ID_SECRET: randomBytes(32).toString('base64url'),
    };
    for (const name of services) {
      const migrate = startProcess('node', [appBundle(name), 'migrate'], env);
      expect(await migrate.exited).toBe(0);
    }
    for (const address of [ALICE, BOB, APP, CAROL]) await admin(['user', 'add', address, '--name', address.split('-')[0], '--password', password(address)]);
    await admin(['role', 'grant', APP, 'ApplicationImpersonation']);

    for (const name of services) {
      const port = await freePort();
      const proc = startProcess('node', [appBundle(name)], { ...env, PARLEY_HTTP_PORT: String(port), PARLEY_INSTANCE_ID: `${name}-${run}`, PARLEY_EWS_TOKEN_KEY: tokenKey });
      processes.push(proc);
      await waitForHttpOk(`http://127.0.0.1:${port}/readyz`, proc, 90_000);
      if (name === 'ews-gateway') base = `http://127.0.0.1:${port}`;
    }
    gatewayEnv = { ...env, PARLEY_EWS_TOKEN_KEY: tokenKey };
  }, 240_000);

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    broker?.stop();
    await db?.drop();
  }, 120_000);

  const as = (address: string) => ewsService(base, address, password(address));
  const reply = (text: string) => new ews.OofReply(text);

  async function errorOf(work: Promise<unknown>): Promise<{ code?: string; message: string }> {
    try {
      await work;
    } catch (error) {
      // Per-item errors arrive as ServiceResponseException (ErrorCode), faults as SoapFaultDetails (ResponseCode).
      const e = error as { ErrorCode?: number; ResponseCode?: number; message?: string; Message?: string };
      const code = e.ResponseCode ? e.ResponseCode : e.ErrorCode;
      return { code: code === undefined ? undefined : ews.ServiceError[code], message: String(e.message ?? e.Message) };
    }
    throw new Error('expected the call to fail');
  }

  it('reads the default (disabled) settings of a new user', async () => {
    const oof = await as(BOB).GetUserOofSettings(BOB);
    expect(ews.OofState[oof.State]).toBe('Disabled');
  });

  it('sets Enabled with replies and an external audience, and the next read sees it at once', async () => {
    const service = as(ALICE);
    const settings = new ews.OofSettings();
    settings.State = ews.OofState.Enabled;
    settings.ExternalAudience = ews.OofExternalAudience.Known;
    settings.InternalReply = reply('Away — back Monday (née café)');
    settings.ExternalReply = reply('Out of office');
    await service.SetUserOofSettings(ALICE, settings);

    // Read-your-writes: no wait between the write and the read.
    const read = await service.GetUserOofSettings(ALICE);
    expect(ews.OofState[read.State]).toBe('Enabled');
    expect(ews.OofExternalAudience[read.ExternalAudience]).toBe('Known');
    expect(read.InternalReply.Message).toBe('Away — back Monday (née café)');
    expect(read.ExternalReply.Message).toBe('Out of office');
  });

  it('reads its own writes in a tight loop of changes', async () => {
    const service = as(BOB);
    for (let n = 1; n <= 5; n++) {
      const settings = new ews.OofSettings();
      settings.State = n % 2 ? ews.OofState.Enabled : ews.OofState.Disabled;
      settings.ExternalAudience = ews.OofExternalAudience.All;
      settings.InternalReply = reply(`change #${n}`);
      settings.ExternalReply = reply('');
      await service.SetUserOofSettings(BOB, settings);
      const read = await service.GetUserOofSettings(BOB);
      expect([ews.OofState[read.State], read.InternalReply.Message]).toEqual([n % 2 ? 'Enabled' : 'Disabled', `change #${n}`]);
    }
  });

  it('sets Scheduled with a window, then Disabled (the window is kept)', async () => {
    const service = as(ALICE);
    const start = Date.UTC(2031, 6, 1, 8, 0, 0);
    const end = Date.UTC(2031, 6, 15, 17, 30, 0);
    const settings = new ews.OofSettings();
    settings.State = ews.OofState.Scheduled;
    settings.ExternalAudience = ews.OofExternalAudience.All;
    settings.Duration = new ews.TimeWindow(new ews.DateTime(start), new ews.DateTime(end));
    settings.InternalReply = reply('On holiday');
    settings.ExternalReply = reply('On holiday (external)');
    await service.SetUserOofSettings(ALICE, settings);

    const scheduled = await service.GetUserOofSettings(ALICE);
    expect(ews.OofState[scheduled.State]).toBe('Scheduled');
    expect(ews.OofExternalAudience[scheduled.ExternalAudience]).toBe('All');
    expect(scheduled.Duration.StartTime.TotalMilliSeconds).toBe(start);
    expect(scheduled.Duration.EndTime.TotalMilliSeconds).toBe(end);

    settings.State = ews.OofState.Disabled;
    settings.Duration = null as unknown as ews.TimeWindow;
    await service.SetUserOofSettings(ALICE, settings);
    const disabled = await service.GetUserOofSettings(ALICE);
    expect(ews.OofState[disabled.State]).toBe('Disabled');
    expect(disabled.Duration.StartTime.TotalMilliSeconds).toBe(start);
    expect(disabled.InternalReply.Message).toBe('On holiday');
  });

  it('lets a user granted ApplicationImpersonation (by the CLI) act as alice', async () => {
    const service = as(APP);
    service.ImpersonatedUserId = new ews.ImpersonatedUserId(ews.ConnectingIdType.SmtpAddress, ALICE);
    const settings = new ews.OofSettings();
    settings.State = ews.OofState.Enabled;
    settings.ExternalAudience = ews.OofExternalAudience.None;
    settings.InternalReply = reply('Set by the app');
    settings.ExternalReply = reply('');
    await service.SetUserOofSettings(ALICE, settings);

    const read = await as(ALICE).GetUserOofSettings(ALICE);
    expect(read.InternalReply.Message).toBe('Set by the app');
    expect(ews.OofExternalAudience[read.ExternalAudience]).toBe('None');
  });

  it('refuses impersonation without the role, and access to another mailbox without impersonation', async () => {
    const impersonating = as(BOB);
    impersonating.ImpersonatedUserId = new ews.ImpersonatedUserId(ews.ConnectingIdType.SmtpAddress, ALICE);
    expect((await errorOf(impersonating.GetUserOofSettings(ALICE))).code).toBe('ErrorImpersonateUserDenied');
    expect((await errorOf(as(BOB).GetUserOofSettings(ALICE))).code).toBe('ErrorAccessDenied');
  });

  it('rejects a wrong password with 401', async () => {
    const failure = await errorOf(ewsService(base, ALICE, 'wrong').GetUserOofSettings(ALICE));
    expect(failure.message).toMatch(/401/);
  });

  describe('with a bearer token from `parley-admin token issue`', () => {
    const withToken = (token: string) => {
      const service = new ews.ExchangeService(ews.ExchangeVersion.Exchange2013_SP1);
      service.Credentials = new ews.OAuthCredentials(token);
      service.Url = new ews.Uri(`${base}/EWS/Exchange.asmx`);
      return service;
    };

    it('calls EWS as the token’s user', async () => {
      const token = (await admin(['token', 'issue', BOB, '--ttl', '300'])).trim();
      const service = withToken(token);
      const settings = new ews.OofSettings();
      settings.State = ews.OofState.Enabled;
      settings.ExternalAudience = ews.OofExternalAudience.All;
      settings.InternalReply = reply('Set with a token');
      settings.ExternalReply = reply('');
      await service.SetUserOofSettings(BOB, settings);
      expect((await service.GetUserOofSettings(BOB)).InternalReply.Message).toBe('Set with a token');
      // The token acts for bob only.
      expect((await errorOf(service.GetUserOofSettings(ALICE))).code).toBe('ErrorAccessDenied');
    });

    it('answers 401 to a tampered token', async () => {
      const token = (await admin(['token', 'issue', BOB])).trim();
      const [header, body, mac] = token.split('.');
      const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { sub: string; exp: number };
      const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: ALICE })).toString('base64url')}.${mac}`;
      expect((await errorOf(withToken(forged).GetUserOofSettings(ALICE))).message).toMatch(/401/);
      const flipped = `${header}.${body}.${mac.slice(0, -2)}${mac.endsWith('AA') ? 'BB' : 'AA'}`;
      const response = await fetch(`${base}/EWS/Exchange.asmx`, {
        method: 'POST',
        headers: { authorization: `Bearer ${flipped}`, 'content-type': 'text/xml; charset=utf-8' },
        body: '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body/></soap:Envelope>',
      });
      expect(response.status).toBe(401);
    });
  });
  describe('the OOF read model of a second gateway replica', () => {
    const settingsOf = (text: string) => {
      const settings = new ews.OofSettings();
      settings.State = ews.OofState.Enabled;
      settings.ExternalAudience = ews.OofExternalAudience.All;
      settings.InternalReply = reply(text);
      settings.ExternalReply = reply('');
      return settings;
    };

    it('starts from the compacted topic, then sees a write made through the first replica within a second or two', async () => {
      // Written before the second replica exists: it must learn it from the topic at start.
      await as(CAROL).SetUserOofSettings(CAROL, settingsOf('written before the second gateway started'));

      const port = await freePort();
      const second = startProcess('node', [appBundle('ews-gateway')], { ...gatewayEnv, PARLEY_HTTP_PORT: String(port), PARLEY_INSTANCE_ID: `ews-gateway-2-${run}` });
      processes.push(second);
      await waitForHttpOk(`http://127.0.0.1:${port}/readyz`, second, 90_000);
      const readiness = (await (await fetch(`http://127.0.0.1:${port}/readyz`)).json()) as { checks: Record<string, { ok: boolean }> };
      expect(readiness.checks['oof-read-model']).toEqual({ ok: true });

      const onSecond = ewsService(`http://127.0.0.1:${port}`, CAROL, password(CAROL));
      expect((await onSecond.GetUserOofSettings(CAROL)).InternalReply.Message).toBe('written before the second gateway started');

      await as(CAROL).SetUserOofSettings(CAROL, settingsOf('written through the first gateway'));
      const written = Date.now();
      let seen = '';
      while (Date.now() - written < 2_000) {
        seen = (await onSecond.GetUserOofSettings(CAROL)).InternalReply.Message;
        if (seen === 'written through the first gateway') break;
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(seen).toBe('written through the first gateway');
    }, 120_000);

    it('keeps calendar.oof.changed.v1 log-compacted', async () => {
      const kafka = new Kafka({ clientId: `e2e-${run}`, brokers: broker.brokers.split(','), logLevel: logLevel.NOTHING });
      const kafkaAdmin = kafka.admin();
      await kafkaAdmin.connect();
      try {
        const { resources } = await kafkaAdmin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: 'calendar.oof.changed.v1', configNames: ['cleanup.policy'] }] });
        expect(resources[0].configEntries.find((e) => e.configName === 'cleanup.policy')?.configValue).toBe('compact');
      } finally {
        await kafkaAdmin.disconnect();
      }
    });
  });
});
