import { spawn } from 'node:child_process';
import { MailboxDeliveryError } from '@parley/voicemail-ingest/feature-mailbox';
import { waitFor } from '@parley/testing';
import { X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { generate } from 'selfsigned';
import { InMemoryMailboxDelivery } from '../../test/in-memory-mailbox-delivery';
import { InMemoryOutboundMail } from '../../test/in-memory-outbound-mail';
import { SmtpDialog } from '../../test/smtp-dialog';
import { defaultDelivery, freePort, fullMailbox, plainCredentials, type RunningFront, SmtpTestBed, users } from '../../test/smtp-harness';

type Account = { address: string; password: string };

function submission(port: number, account: Account | undefined, extra: SMTPTransport.Options = {}) {
  return nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    secure: false,
    requireTLS: true,
    tls: { rejectUnauthorized: false },
    ...(account ? { auth: { user: account.address, pass: account.password } } : {}),
    ...extra,
  });
}

async function refusal(send: Promise<unknown>): Promise<string> {
  try {
    await send;
  } catch (error) {
    return String((error as { response?: string }).response ?? (error as Error).message);
  }
  throw new Error('expected the server to refuse');
}

/** A signed-in submission dialog: EHLO, STARTTLS, EHLO, AUTH PLAIN. */
async function signedIn(port: number, account: Account): Promise<SmtpDialog> {
  const dialog = await SmtpDialog.open(port);
  await dialog.greeting();
  await dialog.command('EHLO client.test');
  await dialog.startTls();
  await dialog.command('EHLO client.test');
  const auth = await dialog.command(`AUTH PLAIN ${plainCredentials(account.address, account.password)}`);
  if (!auth.startsWith('235')) throw new Error(`sign-in failed: ${auth}`);
  return dialog;
}

describe('SMTP front (nodemailer and raw dialogs against real sockets)', () => {
  const bed = new SmtpTestBed();
  let smtp: RunningFront;

  beforeAll(async () => {
    await bed.setUp();
    smtp = await bed.start();
  });
  afterAll(() => bed.tearDown());
  beforeEach(() => {
    smtp.delivery.delivered.length = 0;
    smtp.delivery.nextDelivery = undefined;
  });

  it('stores a message submitted with STARTTLS and AUTH, with a Received header, only after the store resolved', async () => {
    const info = await submission(smtp.submissionPort, users.alice).sendMail({
      from: users.alice.address,
      to: users.bob.address,
      subject: 'Hello',
      text: 'Hi Bob',
    });
    expect(info.response).toMatch(/^250 2\.6\.0 /);
    expect(smtp.delivery.delivered).toHaveLength(1);
    const mail = smtp.delivery.delivered[0];
    expect(mail).toMatchObject({
      channel: 'submission',
      envelopeFrom: users.alice.address,
      recipients: [users.bob.address],
      submittedBy: users.alice.address,
      clientAddress: '127.0.0.1',
    });
    const raw = mail.raw.toString('utf8');
    expect(raw).toMatch(
      /^Received: from \S+ \(\[127\.0\.0\.1\]\)\r\n\tby mx\.parley\.test \(Parley\) with ESMTPSA id \S+\r\n\tfor <bob@parley\.test>;/,
    );
    expect(raw).toContain('Subject: Hello');
  });

  it('accepts submission over implicit TLS', async () => {
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: smtp.implicitTlsPort,
      secure: true,
      tls: { rejectUnauthorized: false },
      auth: { user: users.bob.address, pass: users.bob.password },
    });
    const info = await transport.sendMail({ from: users.bob.address, to: users.alice.address, subject: 'TLS', text: 'x' });
    expect(info.response).toMatch(/^250 /);
    expect(smtp.delivery.delivered[0]).toMatchObject({ channel: 'submission', submittedBy: users.bob.address });
  });

  it('refuses AUTH and MAIL before STARTTLS with 530 5.7.0', async () => {
    const plain = submission(smtp.submissionPort, users.alice, { requireTLS: false, ignoreTLS: true });
    expect(await refusal(plain.sendMail({ from: users.alice.address, to: users.bob.address, text: 'x' }))).toMatch(/^530 5\.7\.0 /);
    const dialog = await SmtpDialog.open(smtp.submissionPort);
    await dialog.greeting();
    expect(await dialog.command('EHLO client.test')).toContain('STARTTLS');
    expect(await dialog.command(`AUTH PLAIN ${plainCredentials(users.alice.address, users.alice.password)}`)).toMatch(/^530 5\.7\.0 /);
    expect(await dialog.command(`MAIL FROM:<${users.alice.address}>`)).toMatch(/^530 5\.7\.0 Must issue a STARTTLS command first/);
    await dialog.startTls();
    await dialog.command('EHLO client.test');
    expect(await dialog.command(`MAIL FROM:<${users.alice.address}>`)).toMatch(/^530 5\.7\.0 Authentication required/);
    dialog.close();
    expect(smtp.delivery.delivered).toHaveLength(0);
  });

  it('answers a wrong password with 535 5.7.8, and a throttled account with 454 4.7.0', async () => {
    const wrong = submission(smtp.submissionPort, { address: users.bob.address, password: 'not-it' });
    expect(await refusal(wrong.sendMail({ from: users.bob.address, to: users.alice.address, text: 'x' }))).toMatch(/^535 5\.7\.8 /);
    const replies: string[] = [];
    for (let i = 0; i < 5; i++) {
      const locked = submission(smtp.submissionPort, { address: users.locked.address, password: 'guess' });
      replies.push(await refusal(locked.sendMail({ from: users.locked.address, to: users.alice.address, text: 'x' })));
    }
    expect(replies.slice(0, 3).every((r) => r.startsWith('535 5.7.8'))).toBe(true);
    expect(replies.at(-1)).toMatch(/^454 4\.7\.0 /);
    // Even the right password waits out the throttle: the pair is refused before the check.
    const right = submission(smtp.submissionPort, users.locked);
    expect(await refusal(right.sendMail({ from: users.locked.address, to: users.alice.address, text: 'x' }))).toMatch(/^454 4\.7\.0 /);
  });

  it('refuses an oversized message with 552 5.3.4, declared at MAIL FROM or found after DATA, and stores nothing', async () => {
    const big = 'x'.repeat(100 * 1024);
    const viaNodemailer = submission(smtp.submissionPort, users.alice);
    expect(await refusal(viaNodemailer.sendMail({ from: users.alice.address, to: users.bob.address, text: big }))).toMatch(/^552 5\.3\.4 /);

    const declared = await signedIn(smtp.submissionPort, users.alice);
    expect(await declared.command('EHLO client.test')).toContain(`SIZE ${smtp.config.maxMessageBytes}`);
    expect(await declared.command(`MAIL FROM:<${users.alice.address}> SIZE=${10 * 1024 * 1024}`)).toMatch(/^552 5\.3\.4 /);
    declared.close();

    const undeclared = await signedIn(smtp.submissionPort, users.alice);
    expect(await undeclared.command(`MAIL FROM:<${users.alice.address}>`)).toMatch(/^250 /);
    expect(await undeclared.command(`RCPT TO:<${users.bob.address}>`)).toMatch(/^250 /);
    expect(await undeclared.command('DATA')).toMatch(/^354 /);
    undeclared.write(`From: ${users.alice.address}\r\nSubject: big\r\n\r\n`);
    for (let i = 0; i < 100; i++) undeclared.write(`${'y'.repeat(1000)}\r\n`);
    expect(await undeclared.command('.')).toMatch(/^552 5\.3\.4 /);
    // The session goes on after the refusal.
    expect(await undeclared.command('NOOP')).toMatch(/^250 /);
    undeclared.close();
    expect(smtp.delivery.delivered).toHaveLength(0);
  });

  it('refuses an unknown recipient with 550 5.1.1, a full mailbox with 552 5.2.2 and a foreign domain with 550 5.7.1', async () => {
    const transport = submission(smtp.submissionPort, users.alice);
    expect(await refusal(transport.sendMail({ from: users.alice.address, to: 'nobody@parley.test', text: 'x' }))).toMatch(/^550 5\.1\.1 /);
    expect(await refusal(transport.sendMail({ from: users.alice.address, to: fullMailbox, text: 'x' }))).toMatch(/^552 5\.2\.2 /);
    expect(await refusal(transport.sendMail({ from: users.alice.address, to: 'someone@example.com', text: 'x' }))).toMatch(/^550 5\.7\.1 /);
    // One bad recipient among good ones: the good ones get the message.
    const info = await transport.sendMail({ from: users.alice.address, to: [users.bob.address, 'nobody@parley.test'], text: 'x' });
    expect(info.rejected).toEqual(['nobody@parley.test']);
    expect(smtp.delivery.delivered.map((m) => m.recipients)).toEqual([[users.bob.address]]);
  });

  it("queues a signed-in submission's recipients in other domains when the outbound queue relays, never the relay's or without a smarthost", async () => {
    const outbound = new InMemoryOutboundMail(true);
    const relaying = await bed.start({}, defaultDelivery(), outbound);
    const alice = submission(relaying.submissionPort, users.alice);
    const info = await alice.sendMail({
      from: users.alice.address,
      to: ['Partner@Example.com', users.bob.address],
      subject: 'Out',
      text: 'x',
    });
    expect(info.rejected).toEqual([]);
    expect(relaying.delivery.delivered.map((m) => m.recipients)).toEqual([[users.bob.address]]);
    expect(outbound.queued).toHaveLength(1);
    expect(outbound.queued[0]).toMatchObject({
      envelopeFrom: users.alice.address,
      recipients: ['partner@example.com'],
      submittedBy: users.alice.address,
    });
    expect(outbound.queued[0].mime.toString()).toMatch(/^Received: from /);
    expect(outbound.queued[0].mime.toString()).toContain('Subject: Out');
    // Only outside recipients: nothing for the store, all for the queue.
    await alice.sendMail({ from: users.alice.address, to: 'other@example.org', text: 'x' });
    expect(outbound.queued.map((m) => m.recipients)).toEqual([['partner@example.com'], ['other@example.org']]);
    expect(relaying.delivery.delivered).toHaveLength(1);
    // A queue that cannot take it: 451 and the client tries again.
    outbound.refuseWith = 'temporary';
    expect(await refusal(alice.sendMail({ from: users.alice.address, to: 'third@example.org', text: 'x' }))).toMatch(/^451 4\.3\.0 /);
    outbound.refuseWith = undefined;
    // The trusted relay never reaches other domains, whatever the queue could do.
    const relay = nodemailer.createTransport({
      host: '127.0.0.1',
      port: relaying.relayPort,
      secure: false,
      tls: { rejectUnauthorized: false },
    });
    expect(await refusal(relay.sendMail({ from: 'asterisk@pbx.example.net', to: 'victim@example.org', text: 'x' }))).toMatch(
      /^550 5\.7\.1 /,
    );
    expect(outbound.queued).toHaveLength(2);
    // No smarthost: refused as relaying at RCPT, as without a queue.
    const disabled = new InMemoryOutboundMail(false);
    const closed = await bed.start({}, defaultDelivery(), disabled);
    const refused = await refusal(
      submission(closed.submissionPort, users.alice).sendMail({ from: users.alice.address, to: 'x@example.com', text: 'x' }),
    );
    expect(refused).toMatch(/^550 5\.7\.1 Relaying to x@example\.com denied/);
    expect(disabled.queued).toHaveLength(0);
  });

  it('lets a user send only as themself, unless granted (550 5.7.1 at MAIL FROM or for the From header)', async () => {
    const alice = submission(smtp.submissionPort, users.alice);
    expect(await refusal(alice.sendMail({ from: users.bob.address, to: users.bob.address, text: 'x' }))).toMatch(/^550 5\.7\.1 /);
    // The envelope is hers, the From header is not.
    expect(
      await refusal(
        alice.sendMail({
          envelope: { from: users.alice.address, to: users.bob.address },
          from: users.bob.address,
          to: users.bob.address,
          text: 'x',
        }),
      ),
    ).toMatch(/^550 5\.7\.1 /);
    expect(smtp.delivery.delivered).toHaveLength(0);
    // The PBX account may send as alice (its impersonation grant), not as bob.
    const pbx = submission(smtp.submissionPort, users.pbx);
    await pbx.sendMail({ from: users.alice.address, to: users.bob.address, subject: 'Voice Mail', text: 'x' });
    expect(smtp.delivery.delivered).toHaveLength(1);
    expect(await refusal(pbx.sendMail({ from: users.bob.address, to: users.alice.address, text: 'x' }))).toMatch(/^550 5\.7\.1 /);
  });

  it('relays from an allowed address without AUTH, only to Parley mailboxes', async () => {
    const relay = nodemailer.createTransport({
      host: '127.0.0.1',
      port: smtp.relayPort,
      secure: false,
      tls: { rejectUnauthorized: false },
    });
    const info = await relay.sendMail({ from: 'asterisk@pbx.example.net', to: users.alice.address, subject: 'VM', text: 'x' });
    expect(info.response).toMatch(/^250 /);
    expect(smtp.delivery.delivered[0]).toMatchObject({
      channel: 'relay',
      envelopeFrom: 'asterisk@pbx.example.net',
      submittedBy: null,
      recipients: [users.alice.address],
    });
    expect(await refusal(relay.sendMail({ from: 'asterisk@pbx.example.net', to: 'victim@example.org', text: 'x' }))).toMatch(
      /^550 5\.7\.1 /,
    );
    expect(await refusal(relay.sendMail({ from: 'asterisk@pbx.example.net', to: 'nobody@parley.test', text: 'x' }))).toMatch(
      /^550 5\.1\.1 /,
    );
    const dialog = await SmtpDialog.open(smtp.relayPort);
    await dialog.greeting();
    expect(await dialog.command('EHLO pbx.example.net')).not.toMatch(/AUTH/);
    dialog.close();
  });

  it('refuses the relay to a client outside the allow-list', async () => {
    const strict = await bed.start({ relayAllowList: ['10.0.0.0/8', '2001:db8::/32'] });
    const relay = nodemailer.createTransport({ host: '127.0.0.1', port: strict.relayPort, secure: false });
    expect(await refusal(relay.sendMail({ from: 'asterisk@pbx.example.net', to: users.alice.address, text: 'x' }))).toMatch(
      /^554 5\.7\.1 /,
    );
    expect(strict.delivery.delivered).toHaveLength(0);
    await bed.stop(strict.front);
  });

  it('takes the client address from the PROXY header of a named load balancer', async () => {
    const behind = await bed.start({ relayAllowList: ['10.0.0.0/8'], proxyProtocolFrom: ['127.0.0.1'] });
    const viaBalancer = await SmtpDialog.open(behind.relayPort);
    viaBalancer.write(`PROXY TCP4 10.1.2.3 127.0.0.1 40000 ${behind.relayPort}\r\n`);
    expect(await viaBalancer.greeting()).toMatch(/^220 /);
    await viaBalancer.command('EHLO pbx.example.net');
    await viaBalancer.command('MAIL FROM:<vm@pbx.example.net>');
    expect(await viaBalancer.command(`RCPT TO:<${users.alice.address}>`)).toMatch(/^250 /);
    await viaBalancer.command('DATA');
    viaBalancer.write('Subject: behind a balancer\r\n\r\nx\r\n');
    expect(await viaBalancer.command('.')).toMatch(/^250 /);
    viaBalancer.close();
    expect(behind.delivery.delivered[0]).toMatchObject({ channel: 'relay', clientAddress: '10.1.2.3' });
    expect(behind.delivery.delivered[0].raw.toString()).toMatch(/^Received: from pbx\.example\.net \(\[10\.1\.2\.3\]\)/);

    const outsider = await SmtpDialog.open(behind.relayPort);
    outsider.write(`PROXY TCP4 192.0.2.9 127.0.0.1 40000 ${behind.relayPort}\r\n`);
    expect(await outsider.greeting()).toMatch(/^554 5\.7\.1 Relaying from 192\.0\.2\.9/);
    outsider.close();
    await bed.stop(behind.front);
  });

  it('answers 451 4.3.0 when the store fails temporarily or unexpectedly, and 250 only once it resolved', async () => {
    const transport = submission(smtp.submissionPort, users.alice);
    smtp.delivery.nextDelivery = async () => {
      throw new MailboxDeliveryError('temporary', 'database unavailable');
    };
    expect(await refusal(transport.sendMail({ from: users.alice.address, to: users.bob.address, text: 'x' }))).toMatch(/^451 4\.3\.0 /);
    smtp.delivery.nextDelivery = async () => {
      throw new Error('disk on fire');
    };
    expect(await refusal(transport.sendMail({ from: users.alice.address, to: users.bob.address, text: 'x' }))).toMatch(/^451 4\.3\.0 /);
    smtp.delivery.nextDelivery = async () => {
      throw new MailboxDeliveryError('over-quota', 'full', [users.bob.address]);
    };
    expect(await refusal(transport.sendMail({ from: users.alice.address, to: users.bob.address, text: 'x' }))).toMatch(/^552 5\.2\.2 /);
    expect(smtp.delivery.delivered).toHaveLength(0);

    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    smtp.delivery.nextDelivery = () => held;
    const dialog = await signedIn(smtp.submissionPort, users.alice);
    await dialog.command(`MAIL FROM:<${users.alice.address}>`);
    await dialog.command(`RCPT TO:<${users.bob.address}>`);
    await dialog.command('DATA');
    dialog.write(`From: ${users.alice.address}\r\nSubject: held\r\n\r\nbody\r\n`);
    expect(await dialog.command('.', 500)).toBe('timeout');
    release();
    expect(await dialog.reply()).toMatch(/^250 /);
    dialog.close();
  });

  it('keeps serving others while one client stalls in DATA, and limits recipients', async () => {
    const stalled = await signedIn(smtp.submissionPort, users.alice);
    await stalled.command(`MAIL FROM:<${users.alice.address}>`);
    await stalled.command(`RCPT TO:<${users.bob.address}>`);
    await stalled.command('DATA');
    stalled.write('Subject: never ends\r\n\r\npartial');
    const info = await submission(smtp.submissionPort, users.bob).sendMail({ from: users.bob.address, to: users.alice.address, text: 'x' });
    expect(info.response).toMatch(/^250 /);
    stalled.close();
    await waitFor(() => smtp.delivery.delivered.length === 1);
    expect(smtp.delivery.delivered).toHaveLength(1);

    const one = await bed.start({ maxRecipients: 1 });
    const many = await signedIn(one.submissionPort, users.alice);
    await many.command(`MAIL FROM:<${users.alice.address}>`);
    expect(await many.command(`RCPT TO:<${users.bob.address}>`)).toMatch(/^250 /);
    expect(await many.command(`RCPT TO:<${users.pbx.address}>`)).toMatch(/^452 4\.5\.3 /);
    many.close();
    await bed.stop(one.front);
  });

  it('refuses connections past the per-client limit with 421 4.7.0', async () => {
    const limited = await bed.start({ maxConnectionsPerClient: 2 });
    const first = await SmtpDialog.open(limited.submissionPort);
    const second = await SmtpDialog.open(limited.submissionPort);
    expect(await first.greeting()).toMatch(/^220 /);
    expect(await second.greeting()).toMatch(/^220 /);
    const third = await SmtpDialog.open(limited.submissionPort);
    expect(await third.greeting()).toMatch(/^421 4\.7\.0 /);
    first.close();
    await new Promise((r) => setTimeout(r, 200));
    const fourth = await SmtpDialog.open(limited.submissionPort);
    expect(await fourth.greeting()).toMatch(/^220 /);
    for (const d of [second, third, fourth]) d.close();
    await bed.stop(limited.front);
  });

  it('makes a self-signed certificate once and keeps it across restarts, and reloads configured files on SIGHUP', async () => {
    const selfSignedDir = path.join(bed.tmp, 'restart-tls');
    const first = await bed.start({ selfSignedDir });
    const before = await peerFingerprint(first.implicitTlsPort);
    await bed.stop(first.front);
    const second = await bed.start({ selfSignedDir });
    expect(await peerFingerprint(second.implicitTlsPort)).toBe(before);
    expect(new X509Certificate(readFileSync(path.join(selfSignedDir, 'smtp-cert.pem'))).fingerprint256).toBe(before);
    await bed.stop(second.front);

    const certFile = path.join(bed.tmp, 'operator-cert.pem');
    const keyFile = path.join(bed.tmp, 'operator-key.pem');
    const writePair = async (name: string) => {
      const pems = await generate([{ name: 'commonName', value: name }], { keySize: 2048, algorithm: 'sha256' });
      writeFileSync(certFile, pems.cert);
      writeFileSync(keyFile, pems.private);
      return new X509Certificate(pems.cert).fingerprint256;
    };
    const oldPrint = await writePair('old.parley.test');
    // A process of its own: signals reach the real process, never Jest's sandbox.
    const port = await freePort();
    const child = spawn(process.execPath, [path.join(__dirname, '../../test/run-smtp-front.cjs')], {
      env: {
        ...process.env,
        PARLEY_TEST_SMTP_CONFIG: JSON.stringify({
          ...smtp.config,
          submissionPort: 0,
          relayAllowList: [],
          implicitTlsPort: port,
          tls: { certFile, keyFile },
        }),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
        child.once('exit', (code) => reject(new Error(`the SMTP process exited with ${code}`)));
      });
      expect(await peerFingerprint(port)).toBe(oldPrint);
      const newPrint = await writePair('new.parley.test');
      child.kill('SIGHUP');
      await waitFor(async () => (await peerFingerprint(port)) === newPrint, { what: 'the new certificate' });
      // Still running: SIGHUP reloads, it does not end the process.
      expect(child.exitCode).toBeNull();
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('keeps the current certificate when the files it is asked to reload are broken', async () => {
    const certFile = path.join(bed.tmp, 'broken-cert.pem');
    const keyFile = path.join(bed.tmp, 'broken-key.pem');
    const pems = await generate([{ name: 'commonName', value: 'kept.parley.test' }], { keySize: 2048, algorithm: 'sha256' });
    writeFileSync(certFile, pems.cert);
    writeFileSync(keyFile, pems.private);
    const configured = await bed.start({ tls: { certFile, keyFile } });
    const print = new X509Certificate(pems.cert).fingerprint256;
    expect(await peerFingerprint(configured.implicitTlsPort)).toBe(print);
    writeFileSync(keyFile, 'not a key');
    expect(await configured.front.reloadTls()).toBe(false);
    expect(await peerFingerprint(configured.implicitTlsPort)).toBe(print);
    // STARTTLS on submission works with it too.
    const dialog = await SmtpDialog.open(configured.submissionPort);
    await dialog.greeting();
    await dialog.command('EHLO client.test');
    await dialog.startTls();
    expect(await dialog.command('EHLO client.test')).toMatch(/AUTH PLAIN LOGIN/);
    dialog.close();
    await bed.stop(configured.front);
  });

  it('at shutdown refuses idle sessions and one mid-DATA with 421 4.3.2 (storing nothing of it), and lets a message being stored get its 250', async () => {
    const closing = await bed.start();
    const relayDialog = async () => {
      const dialog = await SmtpDialog.open(closing.relayPort);
      await dialog.greeting();
      await dialog.command('EHLO device.test');
      return dialog;
    };
    const idle = await relayDialog();
    const midData = await relayDialog();
    await midData.command('MAIL FROM:<pbx@device.test>');
    await midData.command(`RCPT TO:<${users.bob.address}>`);
    expect(await midData.command('DATA')).toMatch(/^354 /);
    midData.write('Subject: cut off\r\n\r\nthe first half');
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    closing.delivery.nextDelivery = () => held;
    const storing = await relayDialog();
    await storing.command('MAIL FROM:<pbx@device.test>');
    await storing.command(`RCPT TO:<${users.bob.address}>`);
    await storing.command('DATA');
    storing.write('Subject: complete\r\n\r\nall of it\r\n');
    expect(await storing.command('.', 300)).toBe('timeout');

    const stopped = bed.stop(closing.front);
    expect(await idle.reply()).toMatch(/^421 4\.3\.2 /);
    expect(await midData.reply()).toMatch(/^421 4\.3\.2 /);
    midData.write('the second half\r\n.\r\n');
    await expect(SmtpDialog.open(closing.relayPort)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    release();
    expect(await storing.reply()).toMatch(/^250 /);
    expect(await storing.reply()).toMatch(/^421 4\.3\.2 /);
    await stopped;
    expect(closing.delivery.delivered.map((m) => m.raw.toString('latin1'))).toEqual([expect.stringContaining('Subject: complete')]);
    for (const dialog of [idle, midData, storing]) dialog.close();
  });

  it('does not start a listener whose port is 0, nor the relay without an allow-list', async () => {
    const none = await bed.start({ submissionPort: 0, relayAllowList: [] }, new InMemoryMailboxDelivery({}));
    expect(none.front.addresses.map((a) => a.kind)).toEqual(['implicit-tls']);
    await bed.stop(none.front);
  });
});

function peerFingerprint(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      const print = socket.getPeerX509Certificate()?.fingerprint256 ?? '';
      socket.destroy();
      resolve(print);
    });
    socket.once('error', reject);
  });
}
