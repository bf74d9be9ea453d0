import type { OofEffectiveChanged } from '@parley/contracts';
import { SmtpSink, waitFor } from '@parley/testing';
import type { Transaction } from '@parley/persistence';
import type { InboundMail, OutboundMail, OutboundMessage } from '@parley/voicemail-ingest/feature-mailbox';
import { simpleParser } from 'mailparser';
import { randomUUID } from 'node:crypto';
import { alice, bob, OutboundTestBed, type RunningQueue } from '../../test/outbound-test-bed';
import type { OofStateService } from './oof-state.service';

const stranger = 'stranger@remote.test';
const partner = 'partner@remote.test';
const INTERNAL = '<p>I am out of the office until Monday. Ask <b>bob</b>.</p>';
const EXTERNAL = 'Thank you for your mail. I am away and will answer on my return.';

/** A mail from `from` to alice, with extra header lines. */
function mailFrom(from: string, subject: string, extraHeaders: readonly string[] = []): Buffer {
  return Buffer.from(
    [
      `From: <${from}>`,
      `To: <${alice}>`,
      `Subject: ${subject}`,
      'Date: Thu, 03 Dec 2026 10:00:00 +0000',
      `Message-ID: <${randomUUID()}@remote.test>`,
      ...extraHeaders,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      `Body of ${subject}`,
      '',
    ].join('\r\n'),
  );
}

describe('OOF auto-replies (voicemail-ingest, real PostgreSQL, a local smarthost)', () => {
  const bed = new OutboundTestBed();
  let smarthost: SmtpSink;
  let queue: RunningQueue;
  let oof: OofStateService;
  let sequence = 0;

  beforeAll(async () => {
    await bed.setUp();
    smarthost = new SmtpSink();
    await smarthost.start();
  });
  beforeEach(() => {
    smarthost.received.splice(0);
    queue = bed.start({ host: '127.0.0.1', port: smarthost.port, tls: 'opportunistic', caFile: undefined, auth: undefined });
    oof = bed.startAutoReplies(queue, { knownSenderDays: 30 }).state;
  });
  afterEach(() => bed.reset());
  afterAll(async () => {
    await smarthost.stop();
    await bed.tearDown();
  });

  /** calendar-sync's effective-OOF event for `mailbox`, as the consumer hands it over. */
  function announce(mailbox: string, state: Partial<OofEffectiveChanged> & { active: boolean }): Promise<string> {
    sequence++;
    return oof.apply(randomUUID(), {
      mailbox,
      internalReply: INTERNAL,
      externalReply: EXTERNAL,
      externalAudience: 'All',
      until: null,
      revision: 1,
      sequence,
      effectiveAt: new Date().toISOString(),
      ...state,
    });
  }

  function deliver(envelopeFrom: string | null, raw: Buffer, overrides: Partial<InboundMail> = {}, now?: Date) {
    return bed.delivery.deliver(
      { channel: 'relay', envelopeFrom, recipients: [alice], raw, submittedBy: null, clientAddress: '127.0.0.1', ...overrides },
      now,
    );
  }

  /** The replies queued so far (the claim and the reply commit with the delivery, so this is final once `deliver` resolved). */
  async function queuedReplies(): Promise<number> {
    return (await bed.outboundMessages()).length;
  }

  it('answers an external sender once per OOF period: the reply is marked, threaded and has the external text', async () => {
    await announce(alice, { active: true });
    const first = mailFrom(stranger, 'Quarterly figures');
    await deliver(stranger, first);
    await waitFor(() => smarthost.received.length === 1, { timeoutMs: 10_000, what: 'the automatic reply at the smarthost' });

    const sunk = smarthost.received[0];
    expect(sunk).toMatchObject({ from: '', to: [stranger] });
    const reply = await simpleParser(sunk.raw);
    expect(reply.subject).toBe('Automatic reply: Quarterly figures');
    expect(reply.from?.value[0].address).toBe(alice);
    expect(reply.to && !Array.isArray(reply.to) ? reply.to.value[0].address : null).toBe(stranger);
    expect(reply.headers.get('auto-submitted')).toBe('auto-replied');
    expect(reply.headers.get('x-auto-response-suppress')).toBe('All');
    const originalId = /Message-ID: (<[^>]+>)/.exec(first.toString())?.[1];
    expect(reply.inReplyTo).toBe(originalId);
    expect(reply.references).toEqual(originalId);
    expect(reply.text?.trim()).toBe(EXTERNAL);
    expect(reply.html).toContain(EXTERNAL);

    // The same sender again in the same period: nothing more.
    await deliver(stranger, mailFrom(stranger, 'Quarterly figures, again'));
    await deliver(stranger.toUpperCase(), mailFrom(stranger, 'Shouting'));
    expect(await queuedReplies()).toBe(1);

    // A new OOF period (off, then on again) answers the sender again.
    await announce(alice, { active: false });
    await deliver(stranger, mailFrom(stranger, 'While you are back'));
    expect(await queuedReplies()).toBe(1);
    await announce(alice, { active: true, revision: 2 });
    await deliver(stranger, mailFrom(stranger, 'Away again?'));
    await waitFor(() => smarthost.received.length === 2, { timeoutMs: 10_000, what: 'the reply of the new period' });
    expect((await simpleParser(smarthost.received[1].raw)).subject).toBe('Automatic reply: Away again?');
    // Both copies of every mail landed in alice's Inbox regardless.
    expect(await bed.inbox(alice)).toHaveLength(5);
  });

  it('keeps the period while OOF stays on and its reply changes, and ignores stale or replayed events', async () => {
    await announce(alice, { active: true });
    await deliver(stranger, mailFrom(stranger, 'One'));
    expect(await announce(alice, { active: true, revision: 2, externalReply: 'New text' })).toBe('applied');
    await deliver(stranger, mailFrom(stranger, 'Two'));
    expect(await queuedReplies()).toBe(1);
    // An older event (a lower sequence) does not switch it off.
    expect(
      await oof.apply(randomUUID(), {
        mailbox: alice,
        active: false,
        internalReply: '',
        externalReply: '',
        externalAudience: 'All',
        until: null,
        revision: 1,
        sequence: sequence - 1,
        effectiveAt: new Date().toISOString(),
      }),
    ).toBe('stale');
    await deliver(partner, mailFrom(partner, 'Three'));
    await waitFor(() => smarthost.received.length === 2, { timeoutMs: 10_000, what: 'two replies' });
    expect((await simpleParser(smarthost.received.find((m) => m.to[0] === partner)?.raw ?? '')).text?.trim()).toBe('New text');
    // The same event id twice is applied once.
    const id = randomUUID();
    const event = {
      mailbox: bob,
      active: true,
      internalReply: 'x',
      externalReply: 'y',
      externalAudience: 'All' as const,
      until: null,
      revision: 1,
      sequence: 1,
      effectiveAt: new Date().toISOString(),
    };
    expect(await oof.apply(id, event)).toBe('applied');
    expect(await oof.apply(id, event)).toBe('duplicate');
  });

  it.each([
    ['Auto-Submitted: auto-generated', ['Auto-Submitted: auto-generated']],
    ['Auto-Submitted: auto-replied', ['Auto-Submitted: auto-replied']],
    ['Precedence: bulk', ['Precedence: bulk']],
    ['Precedence: list', ['Precedence: list']],
    ['Precedence: junk', ['Precedence: junk']],
    ['a List-Id', ['List-Id: Friends of Parley <friends.lists.remote.test>']],
    ['a List-Unsubscribe', ['List-Unsubscribe: <mailto:leave@remote.test>']],
    ['X-Auto-Response-Suppress: OOF', ['X-Auto-Response-Suppress: DR, OOF']],
    ['X-Auto-Response-Suppress: All', ['X-Auto-Response-Suppress: All']],
  ])('sends nothing to mail with %s', async (_what, headers) => {
    await announce(alice, { active: true });
    await deliver(stranger, mailFrom(stranger, 'Automatic or bulk', headers));
    expect(await queuedReplies()).toBe(0);
    expect(await bed.inbox(alice)).toHaveLength(1);
  });

  it('sends nothing to the null sender, MAILER-DAEMON, a list address, the mailbox itself, the HTTP drop or a bounce', async () => {
    await announce(alice, { active: true });
    await deliver(null, mailFrom(stranger, 'Null sender'));
    await deliver('MAILER-DAEMON@remote.test', mailFrom('MAILER-DAEMON@remote.test', 'Daemon'));
    await deliver('list-request@remote.test', mailFrom('list-request@remote.test', 'List admin'));
    await deliver(alice, mailFrom(alice, 'Note to self'), { channel: 'submission', submittedBy: alice });
    await deliver(stranger, mailFrom(stranger, 'Dropped voicemail'), { channel: 'http-drop' });
    await deliver(null, mailFrom(stranger, 'A bounce from the queue'), { channel: 'outbound-queue' });
    expect(await queuedReplies()).toBe(0);
    // `Auto-Submitted: no` is a person's mail.
    await deliver(stranger, mailFrom(stranger, 'Written by hand', ['Auto-Submitted: no']));
    expect(await queuedReplies()).toBe(1);
  });

  it('sends nothing while OOF is off, never set, or past the end of the window the last event named', async () => {
    await deliver(stranger, mailFrom(stranger, 'Never set'));
    await announce(alice, { active: false });
    await deliver(stranger, mailFrom(stranger, 'Off'));
    await announce(alice, { active: true, until: new Date(Date.now() - 1000).toISOString() });
    await deliver(stranger, mailFrom(stranger, 'Window over'));
    await announce(alice, { active: true, externalReply: '   ' });
    await deliver(stranger, mailFrom(stranger, 'Empty reply'));
    expect(await queuedReplies()).toBe(0);
  });

  it("answers a local sender with the internal text, in the sender's Inbox, and an OOF sender's mailbox never answers the reply", async () => {
    await announce(alice, { active: true });
    await announce(bob, { active: true, internalReply: 'Bob is away too.' });
    await deliver(bob, mailFrom(bob, 'Lunch?'), { channel: 'submission', submittedBy: bob });
    await waitFor(async () => (await bed.inbox(bob)).length === 1, { timeoutMs: 10_000, what: "the reply in bob's Inbox" });
    const [copy] = await bed.inbox(bob);
    expect(copy.subject).toBe('Automatic reply: Lunch?');
    const reply = await simpleParser(await bed.readBlob(copy.mimeBlob));
    expect(reply.text?.trim()).toBe('I am out of the office until Monday. Ask bob.');
    expect(reply.html).toContain(INTERNAL);
    expect(reply.headers.get('auto-submitted')).toBe('auto-replied');
    expect(smarthost.received).toHaveLength(0);
    // bob is out of office too, but the reply reached him from the queue (and is auto-submitted): no reply back, no loop.
    await waitFor(async () => (await bed.outboundMessages()).every((m) => m.nextAttemptAt === null), {
      timeoutMs: 5000,
      what: 'the queue done',
    });
    expect(await queuedReplies()).toBe(1);
    expect(await bed.inbox(alice)).toHaveLength(1);
  });

  it('answers a colleague whose mail the outbound queue delivered (as EWS SendItem sends it)', async () => {
    await announce(alice, { active: true });
    const mime = mailFrom(bob, 'Sent from Outlook');
    await queue.outbound.enqueue({ envelopeFrom: bob, recipients: [alice], mime, submittedBy: bob });
    await waitFor(async () => (await bed.inbox(bob)).length === 1, { timeoutMs: 10_000, what: "alice's reply in bob's Inbox" });
    expect((await bed.inbox(bob))[0].subject).toBe('Automatic reply: Sent from Outlook');
    expect(await bed.inbox(alice)).toHaveLength(1);
  });

  it('honours the external audience None (internal senders still answered)', async () => {
    await announce(alice, { active: true, externalAudience: 'None' });
    await deliver(stranger, mailFrom(stranger, 'From outside'));
    expect(await queuedReplies()).toBe(0);
    await deliver(bob, mailFrom(bob, 'From inside'), { channel: 'submission', submittedBy: bob });
    await waitFor(async () => (await bed.inbox(bob)).length === 1, { timeoutMs: 10_000, what: "the internal reply in bob's Inbox" });
    expect(smarthost.received).toHaveLength(0);
  });

  it('honours the external audience Known: only senders alice wrote to within the window', async () => {
    await announce(alice, { active: true, externalAudience: 'Known' });
    const sent = (to: string, when: Date) =>
      deliver(
        alice,
        Buffer.from(
          [`From: <${alice}>`, `To: <${to}>`, `Cc: <somebody@remote.test>`, `Subject: to ${to}`, 'MIME-Version: 1.0', '', 'Hello', ''].join(
            '\r\n',
          ),
        ),
        { channel: 'submission', placement: { folder: 'sentitems', itemClass: 'IPM.Note', isRead: true } },
        when,
      );
    await sent(partner, new Date(Date.now() - 2 * 86_400_000));
    await sent(stranger, new Date(Date.now() - 40 * 86_400_000));
    await deliver(stranger, mailFrom(stranger, 'Long ago'));
    await deliver('unknown@remote.test', mailFrom('unknown@remote.test', 'Never met'));
    expect(await queuedReplies()).toBe(0);
    await deliver('PARTNER@remote.test', mailFrom(partner, 'Recently'));
    await deliver('somebody@remote.test', mailFrom('somebody@remote.test', 'Was in Cc'));
    await waitFor(() => smarthost.received.length === 2, { timeoutMs: 10_000, what: 'the replies to known senders' });
    expect(smarthost.received.map((m) => m.to[0]).sort()).toEqual(['partner@remote.test', 'somebody@remote.test']);
  });

  it('delivers the mail when its reply cannot be queued, and leaves no claim, so the next mail is answered', async () => {
    let failures = 1;
    // The real queue writes its rows in the delivery's transaction, then the stand-in fails once.
    const failingOnce = {
      relayEnabled: true,
      enqueue: async (message: OutboundMessage, tx?: Transaction) => {
        const receipt = await queue.outbound.enqueue(message, tx);
        if (failures-- > 0) throw new Error('the queue broke after writing');
        return receipt;
      },
    } as OutboundMail;
    oof = bed.startAutoReplies(queue, { knownSenderDays: 30 }, failingOnce).state;
    await announce(alice, { active: true });
    const receipt = await deliver(stranger, mailFrom(stranger, 'Still delivered'));
    expect(receipt.deliveries).toHaveLength(1);
    expect(await bed.inbox(alice)).toHaveLength(1);
    expect(await queuedReplies()).toBe(0);
    await deliver(stranger, mailFrom(stranger, 'Answered now'));
    await waitFor(() => smarthost.received.length === 1, { timeoutMs: 10_000, what: 'the reply to the second mail' });
    expect((await simpleParser(smarthost.received[0].raw)).subject).toBe('Automatic reply: Answered now');
  });

  it('answers each OOF recipient of one mail, and only those', async () => {
    await announce(alice, { active: true });
    await deliver(stranger, mailFrom(stranger, 'To both'), { recipients: [alice, bob] });
    await waitFor(() => smarthost.received.length === 1, { timeoutMs: 10_000, what: "alice's reply" });
    expect(await queuedReplies()).toBe(1);
    await announce(bob, { active: true });
    await deliver(stranger, mailFrom(stranger, 'To both again'), { recipients: [alice, bob] });
    await waitFor(() => smarthost.received.length === 2, { timeoutMs: 10_000, what: "bob's reply" });
    expect((await simpleParser(smarthost.received[1].raw)).from?.value[0].address).toBe(bob);
  });
});
