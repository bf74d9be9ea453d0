import { loadTlsPair } from '@parley/tls';
import { portOutsideEphemeralRange, SmtpSink, waitFor } from '@parley/testing';
import { OutboundMailError } from '@parley/voicemail-ingest/feature-mailbox';
import { simpleParser } from 'mailparser';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { alice, bob, OutboundTestBed, plainMessage } from '../../test/outbound-test-bed';

const external = 'friend@remote.test';
const other = 'other@remote.test';

describe('outbound mail queue against a local smarthost', () => {
  const bed = new OutboundTestBed();
  const sinks: SmtpSink[] = [];
  const tlsDir = mkdtempSync(path.join(tmpdir(), 'parley-sink-tls-'));

  beforeAll(() => bed.setUp());
  afterEach(async () => {
    await bed.reset();
    for (const sink of sinks.splice(0)) await sink.stop();
  });
  afterAll(async () => {
    await bed.tearDown();
    rmSync(tlsDir, { recursive: true, force: true });
  });

  async function sink(options?: ConstructorParameters<typeof SmtpSink>[0]): Promise<SmtpSink> {
    const s = new SmtpSink(options);
    sinks.push(s);
    await s.start();
    return s;
  }

  const plainSmarthost = (port: number) => ({ host: '127.0.0.1', port, tls: 'opportunistic' as const, caFile: undefined, auth: undefined });

  it('delivers a queued message to the smarthost with its envelope, and to a Parley recipient through the mailbox store', async () => {
    const smarthost = await sink();
    const { outbound, metrics } = bed.start(plainSmarthost(smarthost.port));
    const mime = plainMessage(alice, [external, bob], 'Hello out there');
    const receipt = await outbound.enqueue({ envelopeFrom: alice, recipients: [external, bob], mime, submittedBy: alice });

    await waitFor(() => smarthost.received.length === 1, {
      timeoutMs: 10_000,
      what: 'the smarthost to receive the message',
    });
    expect(smarthost.received[0]).toMatchObject({ from: alice, to: [external] });
    expect(smarthost.received[0].raw.toString()).toContain('Subject: Hello out there');
    await waitFor(async () => (await bed.inbox(bob)).length === 1, { timeoutMs: 10_000, what: "bob's copy" });
    await waitFor(async () => (await bed.queue.find(receipt.id))?.nextAttemptAt === null, {
      timeoutMs: 5000,
      what: 'the message to be finished',
    });
    const stored = await bed.queue.find(receipt.id);
    expect(stored?.recipients.map((r) => [r.address, r.state])).toEqual([
      [bob, 'sent'],
      [external, 'sent'],
    ]);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/parley_outbound_messages_queued_total\{[^}]*\} 1\n/);
    expect(text).toMatch(/parley_outbound_recipients_total\{result="sent"[^}]*\} 2\n/);
    expect(text).toMatch(/parley_outbound_messages_waiting\{[^}]*\} 0\n/);
  });

  it('keeps retrying while the smarthost is down and delivers once it is back', async () => {
    // Down from the start, on a port no client connection can take meanwhile.
    const smarthost = new SmtpSink();
    sinks.push(smarthost);
    const port = await portOutsideEphemeralRange();
    const { outbound, metrics } = bed.start(plainSmarthost(port));
    const receipt = await outbound.enqueue({
      envelopeFrom: alice,
      recipients: [external],
      mime: plainMessage(alice, [external], 'Through an outage'),
      submittedBy: alice,
    });
    await waitFor(async () => ((await bed.queue.find(receipt.id))?.attempts ?? 0) >= 3, {
      timeoutMs: 10_000,
      what: 'three failed attempts',
    });
    const deferred = await bed.queue.find(receipt.id);
    expect(deferred?.recipients[0]).toMatchObject({ state: 'pending', lastReply: expect.stringMatching(/no reply from the smarthost/) });
    expect(smarthost.received).toHaveLength(0);

    // The queued message's MIME is a referenced blob: the orphan sweeper leaves it alone.
    await bed.sweepOrphans();
    expect((await bed.readBlob(deferred?.mimeBlob ?? '')).toString()).toContain('Subject: Through an outage');
    await smarthost.start(port);
    await waitFor(() => smarthost.received.length === 1, { timeoutMs: 10_000, what: 'delivery after the smarthost came back' });
    expect(smarthost.received[0].raw.toString()).toContain('Body of Through an outage');
    await waitFor(async () => (await bed.queue.find(receipt.id))?.recipients[0].state === 'sent', { timeoutMs: 5000, what: 'sent' });
    expect(await bed.inbox(alice)).toEqual([]);
    expect(await metrics.registry.metrics()).toMatch(/parley_outbound_recipients_total\{result="deferred"[^}]*\} ([3-9]|\d\d)\n/);
  });

  it("bounces a permanent refusal of one recipient with exactly one DSN in the sender's Inbox, and delivers the others", async () => {
    const smarthost = await sink();
    smarthost.refuse.set(external, { code: 550, text: '5.1.1 <friend@remote.test>: Recipient address rejected: User unknown' });
    const { outbound, metrics } = bed.start(plainSmarthost(smarthost.port));
    const receipt = await outbound.enqueue({
      envelopeFrom: alice,
      recipients: [external, other],
      mime: plainMessage(alice, [external, other], 'Partly refused'),
      submittedBy: alice,
    });
    await waitFor(async () => (await bed.inbox(alice)).length === 1, { timeoutMs: 10_000, what: "the DSN in alice's Inbox" });
    expect(smarthost.received).toHaveLength(1);
    expect(smarthost.received[0].to).toEqual([other]);
    const stored = await bed.queue.find(receipt.id);
    expect(stored?.recipients.map((r) => [r.address, r.state])).toEqual([
      [external, 'failed'],
      [other, 'sent'],
    ]);
    const [dsn] = await bed.inbox(alice);
    expect(dsn.subject).toBe('Undelivered Mail Returned to Sender');
    const raw = (await bed.readBlob(dsn.mimeBlob)).toString();
    expect(raw).toMatch(/Content-Type: multipart\/report; report-type=delivery-status/);
    expect(raw).toContain('Final-Recipient: rfc822; friend@remote.test');
    expect(raw).toContain('Status: 5.1.1');
    expect(raw).toContain('Diagnostic-Code: smtp; 550 5.1.1 <friend@remote.test>: Recipient address rejected');
    expect(raw).toContain('Subject: Partly refused');
    // The DSN went through the queue with the null sender; no further DSN, nothing left to do.
    await waitFor(async () => (await bed.outboundMessages()).every((m) => m.nextAttemptAt === null), {
      timeoutMs: 5000,
      what: 'idle queue',
    });
    const rows = await bed.outboundMessages();
    expect(rows.map((m) => m.envelopeFrom)).toEqual([alice, null]);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(await bed.inbox(alice)).toHaveLength(1);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/parley_outbound_recipients_total\{result="bounced"[^}]*\} 1\n/);
    expect(text).toMatch(/parley_outbound_dsn_total\{[^}]*\} 1\n/);
  });

  it('fails a recipient still deferred at the end of its retry window with one DSN (4.4.7)', async () => {
    const smarthost = await sink();
    smarthost.refuse.set(external, { code: 451, text: '4.3.0 Greylisted, try again later' });
    const { outbound } = bed.start(plainSmarthost(smarthost.port), { retryWindowMs: 1500 });
    const receipt = await outbound.enqueue({
      envelopeFrom: alice,
      recipients: [external],
      mime: plainMessage(alice, [external], 'Never accepted'),
      submittedBy: alice,
    });
    await waitFor(async () => (await bed.inbox(alice)).length === 1, { timeoutMs: 10_000, what: 'the DSN after the retry window' });
    const stored = await bed.queue.find(receipt.id);
    expect(stored?.attempts).toBeGreaterThan(2);
    expect(stored?.recipients[0]).toMatchObject({ state: 'failed', lastReply: expect.stringContaining('451 4.3.0 Greylisted') });
    const raw = (await bed.readBlob((await bed.inbox(alice))[0].mimeBlob)).toString();
    expect(raw).toContain('Status: 4.4.7');
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(await bed.inbox(alice)).toHaveLength(1);
  });

  it('never answers a message with the null sender: a refused DSN is dropped, not bounced', async () => {
    const smarthost = await sink();
    smarthost.refuse.set(external, { code: 550, text: '5.7.1 No bounces here' });
    const { outbound } = bed.start(plainSmarthost(smarthost.port));
    const receipt = await outbound.enqueue({
      envelopeFrom: null,
      recipients: [external],
      mime: plainMessage(alice, [external], 'A bounce'),
      submittedBy: null,
    });
    await waitFor(async () => (await bed.queue.find(receipt.id))?.recipients[0].state === 'failed', {
      timeoutMs: 10_000,
      what: 'the refusal',
    });
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(await bed.outboundMessages()).toHaveLength(1);
    expect(await bed.inbox(alice)).toEqual([]);
  });

  it('uses STARTTLS and AUTH at the smarthost, verifying its certificate', async () => {
    const tls = await loadTlsPair({ files: undefined, selfSigned: { dir: tlsDir, hostname: 'smarthost.test', name: 'smtp' } });
    const smarthost = await sink({ tls, auth: { user: 'relay-user', password: 'relay-secret' } });
    const caFile = path.join(tlsDir, 'smtp-cert.pem');
    const { outbound } = bed.start({
      host: '127.0.0.1',
      port: smarthost.port,
      tls: 'required',
      caFile,
      auth: { user: 'relay-user', password: 'relay-secret' },
    });
    await outbound.enqueue({
      envelopeFrom: alice,
      recipients: [external],
      mime: plainMessage(alice, [external], 'Over TLS'),
      submittedBy: alice,
    });
    await waitFor(() => smarthost.received.length === 1, { timeoutMs: 10_000, what: 'delivery over STARTTLS with AUTH' });
    expect(smarthost.received[0]).toMatchObject({ secure: true, user: 'relay-user', to: [external] });
  });

  it('defers (never bounces) when the smarthost refuses its credentials', async () => {
    const tls = await loadTlsPair({ files: undefined, selfSigned: { dir: tlsDir, hostname: 'smarthost.test', name: 'smtp' } });
    const smarthost = await sink({ tls, auth: { user: 'relay-user', password: 'relay-secret' } });
    const caFile = path.join(tlsDir, 'smtp-cert.pem');
    const { outbound } = bed.start({
      host: '127.0.0.1',
      port: smarthost.port,
      tls: 'required',
      caFile,
      auth: { user: 'relay-user', password: 'wrong' },
    });
    const receipt = await outbound.enqueue({
      envelopeFrom: alice,
      recipients: [external],
      mime: plainMessage(alice, [external], 'Bad credentials'),
      submittedBy: alice,
    });
    await waitFor(async () => ((await bed.queue.find(receipt.id))?.attempts ?? 0) >= 2, { timeoutMs: 10_000, what: 'repeated attempts' });
    expect((await bed.queue.find(receipt.id))?.recipients[0]).toMatchObject({
      state: 'pending',
      lastReply: expect.stringMatching(/^535 /),
    });
    expect(smarthost.received).toHaveLength(0);
    expect(await bed.inbox(alice)).toEqual([]);
  });

  it('defers when STARTTLS is required and the smarthost does not offer it: nothing goes out in plain text', async () => {
    const smarthost = await sink();
    const { outbound } = bed.start({ host: '127.0.0.1', port: smarthost.port, tls: 'required', caFile: undefined, auth: undefined });
    const receipt = await outbound.enqueue({
      envelopeFrom: alice,
      recipients: [other],
      mime: plainMessage(alice, [other], 'No TLS'),
      submittedBy: alice,
    });
    await waitFor(async () => ((await bed.queue.find(receipt.id))?.attempts ?? 0) >= 2, { timeoutMs: 10_000, what: 'repeated attempts' });
    expect((await bed.queue.find(receipt.id))?.recipients[0]).toMatchObject({ state: 'pending' });
    expect(smarthost.received).toHaveLength(0);
    expect(await bed.inbox(alice)).toEqual([]);
  });

  it("queues inside a caller's transaction: nothing on a rollback, delivery after the commit", async () => {
    const smarthost = await sink();
    const { outbound } = bed.start(plainSmarthost(smarthost.port));
    const message = { envelopeFrom: alice, recipients: [external], submittedBy: alice };
    await expect(
      bed.db.unitOfWork.run(async (tx) => {
        await outbound.enqueue({ ...message, mime: plainMessage(alice, [external], 'Rolled back') }, tx);
        throw new Error('the caller failed');
      }),
    ).rejects.toThrow('the caller failed');
    await bed.db.unitOfWork.run((tx) => outbound.enqueue({ ...message, mime: plainMessage(alice, [external], 'Committed') }, tx));
    await waitFor(() => smarthost.received.length === 1, { timeoutMs: 10_000, what: 'the committed message' });
    expect((await simpleParser(smarthost.received[0].raw)).subject).toBe('Committed');
    expect(await bed.outboundMessages()).toHaveLength(1);
  });

  it('refuses recipients outside Parley when no smarthost is configured, and still delivers to its own mailboxes', async () => {
    const { outbound } = bed.start(undefined);
    await expect(
      outbound.enqueue({
        envelopeFrom: alice,
        recipients: [bob, external],
        mime: plainMessage(alice, [external], 'Nowhere'),
        submittedBy: alice,
      }),
    ).rejects.toMatchObject({ refusal: 'relay-disabled' } satisfies Partial<OutboundMailError>);
    await outbound.enqueue({ envelopeFrom: alice, recipients: [bob], mime: plainMessage(alice, [bob], 'Local only'), submittedBy: alice });
    await waitFor(async () => (await bed.inbox(bob)).length === 1, { timeoutMs: 10_000, what: "bob's copy" });
    expect(await bed.outboundMessages()).toHaveLength(1);
  });

  it('lets two replicas poll one queue: every message goes out exactly once', async () => {
    const smarthost = await sink();
    const first = bed.start(plainSmarthost(smarthost.port));
    bed.start(plainSmarthost(smarthost.port));
    for (let i = 0; i < 12; i++) {
      await first.outbound.enqueue({
        envelopeFrom: alice,
        recipients: [external],
        mime: plainMessage(alice, [external], `Batch ${i}`),
        submittedBy: alice,
      });
    }
    await waitFor(() => smarthost.received.length >= 12, { timeoutMs: 15_000, what: 'all twelve' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const subjects = await Promise.all(smarthost.received.map(async (_, i) => (await smarthost.parsed(i)).subject));
    expect(new Set(subjects).size).toBe(12);
    expect(subjects).toHaveLength(12);
  });
});
