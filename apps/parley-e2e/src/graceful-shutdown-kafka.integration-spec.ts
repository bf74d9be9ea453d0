// SIGTERM under load, per service, in the distributed deployment (four processes over their own
// Kafka broker and PostgreSQL), as Kubernetes sends it when it stops a pod: each service fails
// readiness while it still serves for PARLEY_SHUTDOWN_DELAY_MS, then closes its listeners, finishes
// what it accepted and exits 0 within PARLEY_SHUTDOWN_GRACE_MS.
// - ews-gateway: EWS requests in flight across the listener's close are answered 200 (no 5xx, no
//   reset); new connections are refused once it closed.
// - presence-bridge: WebSocket clients (presence and SIP) get close code 1001; SIP over TCP connections are closed.
// - voicemail-ingest: an SMTP client mid-DATA gets 421 4.3.2 and nothing of its message is stored;
//   a message stored before the signal stays.
// - calendar-sync: OOF commands through the gateway around the signal and its restart: every
//   command the gateway confirmed has its event published exactly once.
// The services are started once; the gateway, voicemail-ingest and calendar-sync come back (same
// ports and instance id) for the steps after theirs.
import { type OofChanged, Topics } from '@parley/contracts';
import { freePort, waitFor } from '@parley/testing';
import * as ews from 'ews-javascript-api';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { WebSocket } from 'ws';
import { basic, soapRequest } from './ews-embedded';
import { type KafkaDeployment, startKafkaDeployment, type StartedService } from './kafka-deployment';
import { PresenceSocketClient } from './presence-socket-client';
import { RawSmtp } from './raw-smtp';
import { TopicRecorder } from './topic-recorder';

const DELAY_MS = 500;
const GRACE_MS = 10_000;
const USERS = ['alice', 'bob', 'carol', 'dave'] as const;

interface Answer {
  status: number;
  connection: string | undefined;
  text: string;
}

/** One request on a connection of its own (no keep-alive pool: each request meets the listener as it is then). */
function send(url: string, opts: { method?: string; authorization?: string; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (opts.authorization) headers['authorization'] = opts.authorization;
    if (opts.body !== undefined) {
      headers['content-type'] = 'text/xml; charset=utf-8';
      headers['content-length'] = String(Buffer.byteLength(opts.body));
    }
    const req = request(url, { method: opts.method ?? 'GET', headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

const getOof = (mailbox: string) =>
  soapRequest(`<m:GetUserOofSettingsRequest><t:Mailbox><t:Address>${mailbox}</t:Address></t:Mailbox></m:GetUserOofSettingsRequest>`);
const setOof = (mailbox: string, message: string) =>
  soapRequest(
    `<m:SetUserOofSettingsRequest><t:Mailbox><t:Address>${mailbox}</t:Address></t:Mailbox><t:UserOofSettings><t:OofState>Enabled</t:OofState>` +
      `<t:ExternalAudience>All</t:ExternalAudience><t:InternalReply><t:Message>${message}</t:Message></t:InternalReply>` +
      `<t:ExternalReply><t:Message>away</t:Message></t:ExternalReply></t:UserOofSettings></m:SetUserOofSettingsRequest>`,
  );

/**
 * An EWS request whose head and first half of the body are sent now and the rest on `finish()`: a
 * request the gateway has accepted and is still reading when the signal comes. Resolves with the
 * answer once the server closes the connection.
 */
function trickledRequest(base: string, authorization: string, body: string): { finish: () => void; answer: Promise<Answer> } {
  const port = Number(new URL(base).port);
  const socket: Socket = connect(port, '127.0.0.1');
  const bytes = Buffer.from(body, 'utf8');
  const half = Math.floor(bytes.length / 2);
  socket.write(
    `POST /EWS/Exchange.asmx HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: ${authorization}\r\n` +
      `Content-Type: text/xml; charset=utf-8\r\nContent-Length: ${bytes.length}\r\n\r\n`,
  );
  socket.write(bytes.subarray(0, half));
  let raw = '';
  socket.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
  const answer = new Promise<Answer>((resolve, reject) => {
    socket.on('error', reject);
    socket.on('close', () => {
      const head = raw.slice(0, raw.indexOf('\r\n\r\n'));
      resolve({ status: Number(head.slice(9, 12)), connection: /^connection:\s*(\S+)/im.exec(head)?.[1], text: raw });
    });
  });
  return { finish: () => socket.write(bytes.subarray(half)), answer };
}

const plainMail = (to: string, subject: string, body: string) =>
  `From: pbx@pbx.e2e\r\nTo: ${to}\r\nSubject: ${subject}\r\nContent-Type: text/plain\r\n\r\n${body}`;

describe('graceful shutdown over Kafka: SIGTERM under load, per service', () => {
  let d: KafkaDeployment;
  let relayPort: number;
  let sipPort: number;
  let recorder: TopicRecorder;
  const who = {} as Record<(typeof USERS)[number], string>;
  const auth = (mailbox: string) => basic(mailbox, d.password(mailbox));
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  beforeAll(async () => {
    relayPort = await freePort();
    sipPort = await freePort();
    d = await startKafkaDeployment({
      prefix: 'e2e-shutdown',
      users: [...USERS],
      env: {
        PARLEY_SHUTDOWN_DELAY_MS: String(DELAY_MS),
        PARLEY_SHUTDOWN_GRACE_MS: String(GRACE_MS),
        // A command sent while calendar-sync restarts waits for it rather than failing.
        PARLEY_REQUEST_TIMEOUT_MS: '20000',
        PARLEY_SMTP_RELAY_PORT: String(relayPort),
        PARLEY_SMTP_RELAY_CIDRS: '127.0.0.0/8',
        // One presence-bridge here: its SIP over TCP on a free port.
        PARLEY_SIP_TCP_PORT: String(sipPort),
      },
    });
    for (const user of USERS) who[user] = d.address(user);
    recorder = await TopicRecorder.start(d.broker.brokers, [Topics.oofChanged]);
  }, 240_000);

  afterAll(async () => {
    for (const s of Object.values(d?.services ?? {})) console.log(`--- ${s.name}\n${s.proc.output().slice(-3000)}`);
    await recorder?.stop().catch(() => undefined);
    await d?.stop();
  });

  /**
   * Sends SIGTERM and checks the delay: `/readyz` turns 503 while `/healthz` still answers 200.
   * Resolves with the exit code.
   */
  async function terminate(service: StartedService): Promise<number | null> {
    const exited = service.proc.stop(GRACE_MS + 5_000);
    await waitFor(async () => (await send(`${service.base}/readyz`)).status === 503, {
      timeoutMs: 5_000,
      intervalMs: 5,
      what: `${service.name}'s /readyz to answer 503 after SIGTERM`,
    });
    expect((await send(`${service.base}/healthz`)).status).toBe(200);
    return exited.then((code) => {
      // The replaced process's output is not in afterAll's dump.
      if (code !== 0) console.log(`--- ${service.name} (exited ${code} after SIGTERM)\n${service.proc.output().slice(-6000)}`);
      return code;
    });
  }

  async function restart(service: StartedService): Promise<StartedService> {
    const again = await d.restartService(service);
    (d.services as Record<string, StartedService>)[service.name] = again;
    return again;
  }

  it('ews-gateway answers 200 to every EWS request it accepted, also those still arriving when its listener closes, and exits 0', async () => {
    const gateway = d.services['ews-gateway'];
    const url = `${gateway.base}/EWS/Exchange.asmx`;
    const body = getOof(who.alice);
    expect((await send(url, { method: 'POST', authorization: auth(who.alice), body })).text).toContain('NoError');
    const inFlight = [0, 1, 2].map(() => trickledRequest(gateway.base, auth(who.alice), body));

    let exited = false;
    const outcomes: { startedAt: number; status?: number; error?: string }[] = [];
    const load = [0, 1].map(async () => {
      while (!exited) {
        const startedAt = Date.now();
        try {
          const answer = await send(url, { method: 'POST', authorization: auth(who.alice), body });
          outcomes.push({ startedAt, status: answer.status });
        } catch (error) {
          outcomes.push({ startedAt, error: (error as NodeJS.ErrnoException).code ?? String(error) });
          await sleep(20);
        }
      }
    });
    await sleep(300);
    const signalledAt = Date.now();
    const exit = terminate(gateway);
    // The listener closes after the delay while the process still waits for the requests in flight.
    await waitFor(
      async () =>
        send(url).then(
          () => false,
          (error: NodeJS.ErrnoException) => error.code === 'ECONNREFUSED',
        ),
      { timeoutMs: 5_000, intervalMs: 20, what: 'new connections to the gateway to be refused' },
    );
    for (const request of inFlight) request.finish();
    const answers = await Promise.all(inFlight.map((r) => r.answer));
    const code = await exit;
    exited = true;
    await Promise.all(load);

    expect(code).toBe(0);
    for (const answer of answers) {
      expect(answer).toMatchObject({ status: 200, connection: 'close' });
      expect(answer.text).toContain('<m:ResponseCode>NoError</m:ResponseCode>');
    }
    // Everything answered was answered 200; what failed never got in (refused, or reset in the kernel's backlog).
    expect(outcomes.filter((o) => o.status !== undefined && o.status !== 200)).toEqual([]);
    expect(
      [...new Set(outcomes.flatMap((o) => (o.error ? [o.error] : [])))].filter((e) => !['ECONNREFUSED', 'ECONNRESET'].includes(e)),
    ).toEqual([]);
    // Requests sent after the signal were still served during the delay.
    expect(outcomes.filter((o) => o.startedAt > signalledAt && o.status === 200).length).toBeGreaterThan(0);
    await restart(gateway);
  });

  it('presence-bridge closes its WebSockets with 1001 (presence and SIP), its SIP over TCP connections, and exits 0', async () => {
    const bridge = d.services['presence-bridge'];
    const clients = await Promise.all([who.alice, who.bob].map((mailbox) => PresenceSocketClient.connect(bridge.wsUrl, auth(mailbox))));
    const sipWs = new WebSocket(`${bridge.base.replace(/^http/, 'ws')}/sip`, 'sip');
    const sipWsClosed = new Promise<number>((resolve) => sipWs.once('close', (closeCode) => resolve(closeCode)));
    await new Promise((resolve, reject) => sipWs.once('open', resolve).once('error', reject));
    const sipTcp = await new Promise<Socket>((resolve, reject) => {
      const socket = connect(sipPort, '127.0.0.1', () => resolve(socket)).once('error', reject);
    });
    const sipTcpClosed = new Promise<void>((resolve) => sipTcp.once('close', () => resolve()));
    const code = await terminate(bridge);
    const closes = await Promise.all(clients.map((c) => c.closedWith));
    expect(closes.map((c) => c.code)).toEqual([1001, 1001]);
    expect(await sipWsClosed).toBe(1001);
    await sipTcpClosed;
    expect(code).toBe(0);
  });

  it('voicemail-ingest answers an SMTP client mid-DATA 421 4.3.2 and stores nothing of it, keeps what it stored before, and exits 0', async () => {
    const ingest = d.services['voicemail-ingest'];
    const before = await RawSmtp.connect(relayPort);
    await before.command('EHLO pbx.e2e');
    await before.command('MAIL FROM:<pbx@pbx.e2e>');
    await before.command(`RCPT TO:<${who.carol}>`);
    await before.command('DATA');
    expect(await before.command(`${plainMail(who.carol, 'stored before the signal', 'kept')}\r\n.`)).toMatch(/^250 /);
    before.destroy();

    const cut = await RawSmtp.connect(relayPort);
    await cut.command('EHLO pbx.e2e');
    await cut.command('MAIL FROM:<pbx@pbx.e2e>');
    expect(await cut.command(`RCPT TO:<${who.carol}>`)).toMatch(/^250 /);
    expect(await cut.command('DATA')).toMatch(/^354 /);
    cut.write(plainMail(who.carol, 'cut off by the shutdown', `the first half\r\n${'x'.repeat(4000)}\r\n`));

    const exit = terminate(ingest);
    expect(await cut.reply()).toMatch(/^421 4\.3\.2 /);
    cut.write('the second half\r\n.\r\n');
    expect(await exit).toBe(0);
    cut.destroy();

    await restart(ingest);
    const found = await d.as(who.carol).FindItems(new ews.FolderId(ews.WellKnownFolderName.Inbox), new ews.ItemView(50));
    expect(found.Items.map((item) => item.Subject)).toEqual(['stored before the signal']);
  });

  it('calendar-sync publishes exactly one event for every OOF command the gateway confirmed around its SIGTERM and restart', async () => {
    let stop = false;
    const confirmed: { mailbox: string; message: string; sentAt: number; at: number }[] = [];
    const burst = USERS.map(async (user) => {
      const mailbox = who[user];
      for (let i = 0; !stop; i++) {
        const message = `${user} burst ${i}`;
        const sentAt = Date.now();
        try {
          const answer = await send(`${d.base}/EWS/Exchange.asmx`, {
            method: 'POST',
            authorization: auth(mailbox),
            body: setOof(mailbox, message),
          });
          if (answer.status === 200 && answer.text.includes('<m:ResponseCode>NoError</m:ResponseCode>'))
            confirmed.push({ mailbox, message, sentAt, at: Date.now() });
        } catch {
          await sleep(20);
        }
      }
    });
    await waitFor(() => confirmed.length >= 8, { timeoutMs: 20_000, what: 'OOF commands confirmed before the signal' });
    const sync = d.services['calendar-sync'];
    expect(await terminate(sync)).toBe(0);
    const exitedAt = Date.now();
    await restart(sync);
    const restartedAt = Date.now();
    await waitFor(() => confirmed.filter((c) => c.at > restartedAt).length >= 8, {
      timeoutMs: 30_000,
      what: 'OOF commands confirmed after the restart',
    });
    stop = true;
    await Promise.all(burst);
    // Commands sent before the old process was gone and confirmed after it: the new one answered them from Kafka.
    expect(confirmed.filter((c) => c.sentAt < exitedAt && c.at > exitedAt).length).toBeGreaterThan(0);

    for (const { mailbox, message } of confirmed) {
      await recorder.next<OofChanged>(Topics.oofChanged, mailbox, (p) => p.settings.internalReply === message, 20_000);
    }
    const publishedFor = (mailbox: string, message: string) =>
      recorder.all<OofChanged>(Topics.oofChanged, mailbox).filter((e) => e.envelope.payload.settings.internalReply === message).length;
    expect(confirmed.filter(({ mailbox, message }) => publishedFor(mailbox, message) !== 1)).toEqual([]);
  });
});
