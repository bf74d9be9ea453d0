import { CommandErrorCodes, type CreateMessageRequest, decodeMessageId, encodeMessageId } from '@parley/contracts';
import { SmtpSink, waitFor } from '@parley/testing';
import { MailboxException } from '@parley/voicemail-ingest/feature-mailbox';
import { simpleParser } from 'mailparser';
import { randomUUID } from 'node:crypto';
import { alice, bob, OutboundTestBed } from '../../test/outbound-test-bed';

const external = 'friend@remote.test';
const other = 'other@remote.test';

/**
 * EWS sending as voicemail-ingest does it (MessageSubmissionService on the real queue, store and
 * directory, a local SMTP sink as the smarthost): the copy kept and the message queued in one
 * transaction, local recipients through the queue's mailbox path, external ones to the smarthost.
 */
describe('sending mail from a mailbox (CreateItem / SendItem)', () => {
  const bed = new OutboundTestBed();
  const smarthost = new SmtpSink();
  const plainSmarthost = (port: number) => ({ host: '127.0.0.1', port, tls: 'opportunistic' as const, caFile: undefined, auth: undefined });

  beforeAll(async () => {
    await bed.setUp();
    await smarthost.start();
  });
  afterEach(async () => {
    await bed.reset();
    smarthost.received.splice(0);
  });
  afterAll(async () => {
    await smarthost.stop();
    await bed.tearDown();
  });

  function message(fields: Partial<CreateMessageRequest>): CreateMessageRequest {
    return { mailbox: alice, disposition: 'SendAndSaveCopy', body: null, to: [], cc: [], bcc: [], importance: 'Normal', ...fields };
  }

  const to = (address: string) => ({ address, name: null });

  async function refusal(work: Promise<unknown>): Promise<string> {
    try {
      await work;
    } catch (error) {
      if (error instanceof MailboxException) return error.code;
      throw error;
    }
    throw new Error('expected a refusal');
  }

  it('SendAndSaveCopy: the local recipient gets it in the Inbox, the smarthost the external one, and Sent Items keeps the copy', async () => {
    const submission = bed.submission(bed.start(plainSmarthost(smarthost.port)));
    const reply = await submission.create(
      randomUUID(),
      message({ subject: 'Lunch?', body: { type: 'HTML', content: '<p>At noon</p>' }, to: [to(bob), to(external)], bcc: [to(other)] }),
    );

    expect(reply.saved).not.toBeNull();
    const sent = await bed.folder(alice, 'sentitems');
    expect(sent).toEqual([expect.objectContaining({ subject: 'Lunch?', isRead: true })]);
    expect(decodeMessageId(alice, reply.saved?.id ?? '')).toBe(sent[0].id);
    // The sender's copy shows its Bcc; what goes out does not.
    expect((await bed.readBlob(sent[0].mimeBlob)).toString()).toMatch(/^Bcc: other@remote\.test/m);

    await waitFor(() => smarthost.received.length === 1, { timeoutMs: 10_000, what: 'the smarthost to receive it' });
    expect(smarthost.received[0]).toMatchObject({ from: alice });
    expect(smarthost.received[0].to.sort()).toEqual([external, other].sort());
    const out = await simpleParser(smarthost.received[0].raw);
    expect(out.subject).toBe('Lunch?');
    expect(out.html).toContain('<p>At noon</p>');
    expect(out.headers.has('bcc')).toBe(false);
    expect(out.from?.value[0].address).toBe(alice);
    await waitFor(async () => (await bed.inbox(bob)).length === 1, { timeoutMs: 10_000, what: "bob's copy" });
    expect((await bed.inbox(bob))[0].subject).toBe('Lunch?');
  });

  it('SaveOnly keeps a draft and sends nothing; SendItem sends it and moves it to Sent Items', async () => {
    const submission = bed.submission(bed.start(plainSmarthost(smarthost.port)));
    const draft = await submission.create(
      randomUUID(),
      message({ disposition: 'SaveOnly', subject: 'Draft', to: [to(bob)], bcc: [to(external)] }),
    );
    expect(await bed.folder(alice, 'drafts')).toHaveLength(1);
    expect(await bed.outboundMessages()).toEqual([]);

    const saved = draft.saved as { id: string; changeKey: string };
    const reply = await submission.send(randomUUID(), { mailbox: alice, itemId: saved.id, changeKey: saved.changeKey, saveCopy: true });
    expect(reply.saved?.id).toBe(saved.id);
    expect(reply.saved?.changeKey).not.toBe(saved.changeKey);
    expect(await bed.folder(alice, 'drafts')).toEqual([]);
    expect(await bed.folder(alice, 'sentitems')).toEqual([expect.objectContaining({ subject: 'Draft' })]);
    await waitFor(() => smarthost.received.length === 1, { timeoutMs: 10_000, what: 'the Bcc recipient to receive it' });
    expect(smarthost.received[0].to).toEqual([external]);
    expect(smarthost.received[0].raw.toString()).not.toMatch(/^Bcc:/im);
    await waitFor(async () => (await bed.inbox(bob)).length === 1, { timeoutMs: 10_000, what: "bob's copy" });
  });

  it('SendItem without a copy removes the draft; a stale change key is a conflict', async () => {
    const submission = bed.submission(bed.start(plainSmarthost(smarthost.port)));
    const saved = (await submission.create(randomUUID(), message({ disposition: 'SaveOnly', subject: 'Once', to: [to(bob)] }))).saved as {
      id: string;
      changeKey: string;
    };
    expect(await refusal(submission.send(randomUUID(), { mailbox: alice, itemId: saved.id, changeKey: 'stale', saveCopy: true }))).toBe(
      CommandErrorCodes.conflict,
    );
    expect(await submission.send(randomUUID(), { mailbox: alice, itemId: saved.id, saveCopy: false })).toEqual({ saved: null });
    expect(await bed.folder(alice, 'drafts')).toEqual([]);
    expect(await bed.folder(alice, 'sentitems')).toEqual([]);
    await waitFor(async () => (await bed.inbox(bob)).length === 1, { timeoutMs: 10_000, what: "bob's copy" });
  });

  it('SendOnly keeps no copy', async () => {
    const submission = bed.submission(bed.start(plainSmarthost(smarthost.port)));
    expect(await submission.create(randomUUID(), message({ disposition: 'SendOnly', subject: 'No copy', to: [to(bob)] }))).toEqual({
      saved: null,
    });
    await waitFor(async () => (await bed.inbox(bob)).length === 1, { timeoutMs: 10_000, what: "bob's copy" });
    expect(await bed.folder(alice, 'sentitems')).toEqual([]);
  });

  it('a redelivered command sends once and answers the same copy', async () => {
    const submission = bed.submission(bed.start(plainSmarthost(smarthost.port)));
    const id = randomUUID();
    const first = await submission.create(id, message({ subject: 'Twice?', to: [to(bob)] }));
    const again = await submission.create(id, message({ subject: 'Twice?', to: [to(bob)] }));
    expect(again).toEqual(first);
    expect(await bed.outboundMessages()).toHaveLength(1);
    expect(await bed.folder(alice, 'sentitems')).toHaveLength(1);
  });

  it('without a smarthost an external recipient refuses the message: nothing kept, nothing queued', async () => {
    const submission = bed.submission(bed.start(undefined));
    expect(await refusal(submission.create(randomUUID(), message({ subject: 'Out', to: [to(bob), to(external)] })))).toBe(
      CommandErrorCodes.recipientUnreachable,
    );
    expect(await bed.folder(alice, 'sentitems')).toEqual([]);
    expect(await bed.outboundMessages()).toEqual([]);
    // Local recipients alone still go.
    await submission.create(randomUUID(), message({ subject: 'In', to: [to(bob)] }));
    await waitFor(async () => (await bed.inbox(bob)).length === 1, { timeoutMs: 10_000, what: "bob's copy" });
  });

  it('refuses a message to send without recipients, and more recipients than the limit', async () => {
    const submission = bed.submission(bed.start(plainSmarthost(smarthost.port)), { maxRecipients: 2 });
    expect(await refusal(submission.create(randomUUID(), message({ subject: 'Nobody' })))).toBe(CommandErrorCodes.invalidRecipients);
    expect(await refusal(submission.create(randomUUID(), message({ subject: 'Many', to: [to(bob), to(external)], cc: [to(other)] })))).toBe(
      CommandErrorCodes.invalidRecipients,
    );
    expect(await bed.folder(alice, 'sentitems')).toEqual([]);
    expect(await bed.outboundMessages()).toEqual([]);
  });

  it('refuses the copy over the quota, sending nothing', async () => {
    const submission = bed.submission(bed.start(plainSmarthost(smarthost.port)), { quotaBytes: 100 });
    expect(await refusal(submission.create(randomUUID(), message({ subject: 'Too big', to: [to(bob)] })))).toBe(
      CommandErrorCodes.quotaExceeded,
    );
    expect(await bed.outboundMessages()).toEqual([]);
  });

  describe('responses to a received message', () => {
    let originalId: string;

    beforeEach(async () => {
      const raw = Buffer.from(
        [
          `From: Friend <${external}>`,
          `To: ${alice}, ${other}`,
          `Cc: ${bob}`,
          'Subject: Plans',
          'Date: Thu, 03 Dec 2026 10:00:00 +0000',
          'Message-ID: <plans@remote.test>',
          'References: <earlier@remote.test>',
          'MIME-Version: 1.0',
          'Content-Type: text/plain; charset=utf-8',
          '',
          'Shall we meet?',
          '',
        ].join('\r\n'),
      );
      const receipt = await bed.delivery.deliver({
        channel: 'relay',
        envelopeFrom: external,
        recipients: [alice],
        raw,
        submittedBy: null,
        clientAddress: '127.0.0.1',
      });
      originalId = receipt.deliveries[0].itemId;
    });

    it('Reply goes to the sender with RE:, the threading headers and the original quoted', async () => {
      const submission = bed.submission(bed.start(plainSmarthost(smarthost.port)));
      await submission.create(
        randomUUID(),
        message({ respondsTo: { itemId: originalId, kind: 'reply' }, body: { type: 'Text', content: 'Yes, at noon.' } }),
      );
      await waitFor(() => smarthost.received.length === 1, { timeoutMs: 10_000, what: 'the reply' });
      expect(smarthost.received[0].to).toEqual([external]);
      const reply = await simpleParser(smarthost.received[0].raw);
      expect(reply.subject).toBe('RE: Plans');
      expect(reply.inReplyTo).toBe('<plans@remote.test>');
      expect(reply.references).toEqual(['<earlier@remote.test>', '<plans@remote.test>']);
      expect(reply.text).toContain('Yes, at noon.');
      expect(reply.text).toContain('-----Original Message-----');
      expect(reply.text).toContain('Shall we meet?');
      expect(await bed.folder(alice, 'sentitems')).toEqual([expect.objectContaining({ subject: 'RE: Plans' })]);
    });

    it('ReplyAll goes to the sender and the other recipients, never to the replying mailbox', async () => {
      const submission = bed.submission(bed.start(plainSmarthost(smarthost.port)));
      await submission.create(randomUUID(), message({ respondsTo: { itemId: originalId, kind: 'reply-all' } }));
      await waitFor(() => smarthost.received.length === 1, { timeoutMs: 10_000, what: 'the reply all' });
      expect(smarthost.received[0].to.sort()).toEqual([external, other].sort());
      const reply = await simpleParser(smarthost.received[0].raw);
      expect(reply.to && !Array.isArray(reply.to) && reply.to.value.map((a) => a.address)).toEqual([external, other]);
      expect(reply.cc && !Array.isArray(reply.cc) && reply.cc.value.map((a) => a.address)).toEqual([bob]);
      await waitFor(async () => (await bed.inbox(bob)).length === 1, { timeoutMs: 10_000, what: "bob's copy" });
      expect(await bed.inbox(alice)).toHaveLength(1);
    });

    it('Forward goes to the named recipients with FW: and the original quoted', async () => {
      const submission = bed.submission(bed.start(plainSmarthost(smarthost.port)));
      await submission.create(
        randomUUID(),
        message({
          respondsTo: { itemId: originalId, kind: 'forward' },
          to: [to(bob)],
          body: { type: 'HTML', content: '<p>FYI</p>' },
        }),
      );
      await waitFor(async () => (await bed.inbox(bob)).length === 1, { timeoutMs: 10_000, what: "bob's copy" });
      expect((await bed.inbox(bob))[0].subject).toBe('FW: Plans');
      const forwarded = await simpleParser(await bed.readBlob((await bed.inbox(bob))[0].mimeBlob));
      expect(forwarded.html).toContain('<p>FYI</p>');
      expect(forwarded.html).toContain('Shall we meet?');
      expect(forwarded.inReplyTo).toBeUndefined();
      expect(smarthost.received).toEqual([]);
    });

    it("a response to another mailbox's message is not found", async () => {
      const submission = bed.submission(bed.start(plainSmarthost(smarthost.port)));
      const bobsId = encodeMessageId(bob, randomUUID());
      expect(await refusal(submission.create(randomUUID(), message({ respondsTo: { itemId: bobsId, kind: 'reply' } })))).toBe(
        CommandErrorCodes.itemNotFound,
      );
    });
  });
});
