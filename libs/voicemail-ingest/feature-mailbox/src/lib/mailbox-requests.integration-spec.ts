import {
  CommandErrorCodes,
  encodeMessageId,
  findMessagesReplySchema,
  messageViewKinds,
  messageViewSchema,
  type MessageSummary,
} from '@parley/contracts';
import { sampleAudio, sampleMime, sampleVoicemailMime } from '../../test/sample-mime';
import { commandId, startStoreTestBed, StoreTestBed } from '../../test/store-test-bed';

const alice = 'alice@parley.test';
const bob = 'bob@parley.test';

/** Delivers `n` mails to alice, one second apart in DateTimeReceived (subjects `m0`…). */
async function deliverSeries(bed: StoreTestBed, n: number, start = Date.parse('2026-12-01T08:00:00Z')): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const receipt = await bed.delivery.deliver(
      {
        channel: 'relay',
        envelopeFrom: null,
        recipients: [alice],
        raw: sampleMime({ subject: `m${i}` }),
        submittedBy: null,
        clientAddress: null,
      },
      new Date(start + i * 1000),
    );
    ids.push(receipt.deliveries[0].itemId);
  }
  return ids;
}

async function refusalOf(work: Promise<unknown>): Promise<string | undefined> {
  try {
    await work;
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

describe("the message store's request handlers", () => {
  let bed: StoreTestBed;

  beforeAll(async () => {
    bed = await startStoreTestBed('vi_requests', { mailboxes: [alice, bob], quotaBytes: 10_000_000 });
  });
  afterAll(() => bed.close());
  afterEach(() => bed.reset());

  describe('find', () => {
    it('pages by DateTimeReceived, newest first by default, with the total of the folder', async () => {
      await deliverSeries(bed, 5);
      const first = await bed.mailbox.find({ mailbox: alice, folder: 'inbox', offset: 0, maxEntries: 2, order: 'newest-first' });
      const second = await bed.mailbox.find({ mailbox: alice, folder: 'inbox', offset: 2, maxEntries: 2, order: 'newest-first' });
      const last = await bed.mailbox.find({ mailbox: alice, folder: 'inbox', offset: 4, maxEntries: 2, order: 'newest-first' });
      expect([first, second, last].map((p) => p.items.map((i) => i.subject))).toEqual([['m4', 'm3'], ['m2', 'm1'], ['m0']]);
      expect([first.total, second.total, last.total]).toEqual([5, 5, 5]);
      const oldest = await bed.mailbox.find({ mailbox: alice, folder: 'inbox', offset: 0, maxEntries: 3, order: 'oldest-first' });
      expect(oldest.items.map((i) => i.subject)).toEqual(['m0', 'm1', 'm2']);
      const past = await bed.mailbox.find({ mailbox: alice, folder: 'inbox', offset: 10, maxEntries: 3, order: 'oldest-first' });
      expect(past).toEqual({ items: [], total: 5 });
    });

    it('lists only the Inbox voicemail items in the voicemail view, and another mailbox’s items nowhere', async () => {
      await deliverSeries(bed, 1);
      await bed.deliver(sampleVoicemailMime({ to: [alice] }), [alice]);
      await bed.deliver(sampleVoicemailMime({ to: [bob] }), [bob]);
      const voicemail = await bed.mailbox.find({ mailbox: alice, folder: 'voicemail', offset: 0, maxEntries: 10, order: 'newest-first' });
      expect(voicemail.total).toBe(1);
      expect(voicemail.items[0]).toMatchObject({ mailbox: alice, folder: 'inbox', itemClass: 'IPM.Note.Microsoft.Voicemail.UM.CA' });
      expect((await bed.mailbox.find({ mailbox: alice, folder: 'inbox', offset: 0, maxEntries: 10, order: 'newest-first' })).total).toBe(2);
      for (const folder of ['junkemail', 'conversationhistory', 'deleteditems'] as const) {
        expect(await bed.mailbox.find({ mailbox: alice, folder, offset: 0, maxEntries: 10, order: 'newest-first' })).toEqual({
          items: [],
          total: 0,
        });
      }
    });
  });

  describe('get and content', () => {
    it('answers ItemNotFound for a malformed id, another mailbox’s id and a deleted message', async () => {
      const [id] = await deliverSeries(bed, 1);
      expect(await refusalOf(bed.mailbox.get({ mailbox: alice, itemId: 'not-an-id' }))).toBe(CommandErrorCodes.itemNotFound);
      expect(await refusalOf(bed.mailbox.get({ mailbox: bob, itemId: id }))).toBe(CommandErrorCodes.itemNotFound);
      const unknown = encodeMessageId(alice, '0f0e0d0c-0b0a-4908-8706-050403020100');
      expect(await refusalOf(bed.mailbox.get({ mailbox: alice, itemId: unknown }))).toBe(CommandErrorCodes.itemNotFound);
      expect(await refusalOf(bed.mailbox.readContent({ mailbox: bob, content: { kind: 'mime', itemId: id }, offset: 0, length: 10 }))).toBe(
        CommandErrorCodes.itemNotFound,
      );
      await bed.mailbox.delete(commandId(), { mailbox: alice, itemId: id, disposal: 'HardDelete' });
      expect(await refusalOf(bed.mailbox.get({ mailbox: alice, itemId: id }))).toBe(CommandErrorCodes.itemNotFound);
    });

    it('reads an attachment by chunks, answers an empty chunk past its end, and refuses its id for another mailbox', async () => {
      const audio = sampleAudio(70_000);
      const [delivery] = (await bed.deliver(sampleVoicemailMime({ to: [alice], audio }), [alice])).deliveries;
      const view = await bed.mailbox.get({ mailbox: alice, itemId: delivery.itemId });
      const attachmentId = view.attachments[0].id;
      expect(view.attachments[0]).toMatchObject({ name: 'msg0001.wav', contentType: 'audio/wav', size: audio.length, isInline: false });
      const chunk = await bed.mailbox.readContent({
        mailbox: alice,
        content: { kind: 'attachment', attachmentId },
        offset: 1000,
        length: 5000,
      });
      expect(chunk).toMatchObject({ size: audio.length, contentType: 'audio/wav', name: 'msg0001.wav', offset: 1000 });
      expect(Buffer.from(chunk.data, 'base64').equals(audio.subarray(1000, 6000))).toBe(true);
      const tail = await bed.mailbox.readContent({
        mailbox: alice,
        content: { kind: 'attachment', attachmentId },
        offset: audio.length - 10,
        length: 5000,
      });
      expect(Buffer.from(tail.data, 'base64').equals(audio.subarray(audio.length - 10))).toBe(true);
      const past = await bed.mailbox.readContent({
        mailbox: alice,
        content: { kind: 'attachment', attachmentId },
        offset: audio.length + 5,
        length: 10,
      });
      expect(past).toMatchObject({ size: audio.length, data: '' });
      expect(
        await refusalOf(bed.mailbox.readContent({ mailbox: bob, content: { kind: 'attachment', attachmentId }, offset: 0, length: 10 })),
      ).toBe(CommandErrorCodes.itemNotFound);
      const mime = await bed.mailbox.readContent({
        mailbox: alice,
        content: { kind: 'mime', itemId: delivery.itemId },
        offset: 0,
        length: 100,
      });
      expect(mime).toMatchObject({ contentType: 'message/rfc822', name: null, size: view.size });
    });

    it('shows the headers, body and addresses of the original', async () => {
      const [delivery] = (
        await bed.deliver(sampleMime({ subject: 'Quarterly figures', from: 'Dana <dana@example.com>', to: [alice, bob] }), [alice])
      ).deliveries;
      const view = await bed.mailbox.get({ mailbox: alice, itemId: delivery.itemId });
      expect(view.from).toEqual({ address: 'dana@example.com', name: 'Dana' });
      expect(view.to.map((a) => a.address)).toEqual([alice, bob]);
      expect(view.sentAt).toBe('2026-12-01T10:00:00.000Z');
      expect(view.headers.find((h) => h.name.toLowerCase() === 'subject')?.value).toBe('Quarterly figures');
    });
  });

  it('answers a mail with oversized fields and NUL characters within the contract', async () => {
    const raw = sampleMime({
      subject: 'nul\u0000inside',
      from: `"${'N'.repeat(400)}" <long@example.com>`,
      attachments: [{ filename: `${'f'.repeat(300)}.bin`, contentType: 'application/octet-stream', content: Buffer.from('x') }],
    });
    const [delivery] = (await bed.deliver(raw, [alice])).deliveries;
    const view = messageViewSchema.parse(await bed.mailbox.get({ mailbox: alice, itemId: delivery.itemId }));
    expect(view.subject).toBe('nul\uFFFDinside');
    expect(view.from?.name).toHaveLength(256);
    expect(view.attachments[0].name).toHaveLength(255);
    const page = findMessagesReplySchema.parse(
      await bed.mailbox.find({ mailbox: alice, folder: 'inbox', offset: 0, maxEntries: 10, order: 'newest-first' }),
    );
    expect(page.total).toBe(1);
  });

  describe('update', () => {
    it('sets IsRead with a new change key; a stale key is a Conflict under NeverOverwrite and applied otherwise', async () => {
      const [id] = await deliverSeries(bed, 1);
      const original = await bed.mailbox.get({ mailbox: alice, itemId: id });
      const read = await bed.mailbox.update(commandId(), {
        mailbox: alice,
        itemId: id,
        changeKey: original.changeKey,
        conflictResolution: 'NeverOverwrite',
        set: { isRead: true },
      });
      expect(read.isRead).toBe(true);
      expect(read.changeKey).not.toBe(original.changeKey);

      const stale = { mailbox: alice, itemId: id, changeKey: original.changeKey, set: { isRead: false } };
      expect(await refusalOf(bed.mailbox.update(commandId(), { ...stale, conflictResolution: 'NeverOverwrite' }))).toBe(
        CommandErrorCodes.conflict,
      );
      expect((await bed.mailbox.get({ mailbox: alice, itemId: id })).isRead).toBe(true);
      const forced = await bed.mailbox.update(commandId(), { ...stale, conflictResolution: 'AlwaysOverwrite' });
      expect(forced.isRead).toBe(false);
      expect((await bed.messageEvents()).map((e) => e.change)).toEqual(['delivered', 'modified', 'modified']);
    });

    it('applies a command once: a redelivery answers the message as it is, with no second event', async () => {
      const [id] = await deliverSeries(bed, 1);
      const command = commandId();
      const first = await bed.mailbox.update(command, {
        mailbox: alice,
        itemId: id,
        conflictResolution: 'AutoResolve',
        set: { isRead: true },
      });
      const again = await bed.mailbox.update(command, {
        mailbox: alice,
        itemId: id,
        conflictResolution: 'AutoResolve',
        set: { isRead: true },
      });
      expect(again.changeKey).toBe(first.changeKey);
      expect((await bed.messageEvents()).filter((e) => e.change === 'modified')).toHaveLength(1);
    });

    it('refuses another mailbox’s id', async () => {
      const [id] = await deliverSeries(bed, 1);
      expect(
        await refusalOf(
          bed.mailbox.update(commandId(), { mailbox: bob, itemId: id, conflictResolution: 'AutoResolve', set: { isRead: true } }),
        ),
      ).toBe(CommandErrorCodes.itemNotFound);
    });
  });

  describe('delete and move', () => {
    it('MoveToDeletedItems moves to Deleted Items, and from there removes; HardDelete and SoftDelete remove', async () => {
      const [a, b, c] = await deliverSeries(bed, 3);
      await bed.mailbox.delete(commandId(), { mailbox: alice, itemId: a, disposal: 'MoveToDeletedItems' });
      const moved = await bed.mailbox.get({ mailbox: alice, itemId: a });
      expect(moved.folder).toBe('deleteditems');
      await bed.mailbox.delete(commandId(), { mailbox: alice, itemId: a, disposal: 'MoveToDeletedItems' });
      expect(await refusalOf(bed.mailbox.get({ mailbox: alice, itemId: a }))).toBe(CommandErrorCodes.itemNotFound);
      expect(await bed.mailbox.delete(commandId(), { mailbox: alice, itemId: b, disposal: 'SoftDelete' })).toEqual({ id: b });
      await bed.mailbox.delete(commandId(), { mailbox: alice, itemId: c, disposal: 'HardDelete' });
      expect(await bed.count('message')).toBe(0);
      expect(await bed.count('message_attachment')).toBe(0);
      expect((await bed.messageEvents()).map((e) => [e.change, e.folder, e.fromFolder])).toEqual([
        ['delivered', 'inbox', null],
        ['delivered', 'inbox', null],
        ['delivered', 'inbox', null],
        ['moved', 'deleteditems', 'inbox'],
        ['deleted', 'deleteditems', null],
        ['deleted', 'inbox', null],
        ['deleted', 'inbox', null],
      ]);
      expect((await bed.mailbox.counts({ mailbox: alice })).quota.used).toBe(0);
      expect(await refusalOf(bed.mailbox.delete(commandId(), { mailbox: alice, itemId: c, disposal: 'HardDelete' }))).toBe(
        CommandErrorCodes.itemNotFound,
      );
    });

    it('moves between message folders with a new change key; to the folder it is in, answers it unchanged', async () => {
      const [id] = await deliverSeries(bed, 1);
      const before = await bed.mailbox.get({ mailbox: alice, itemId: id });
      const same = await bed.mailbox.move(commandId(), { mailbox: alice, itemId: id, to: 'inbox' });
      expect(same.changeKey).toBe(before.changeKey);
      const junk = await bed.mailbox.move(commandId(), { mailbox: alice, itemId: id, to: 'junkemail' });
      expect(junk).toMatchObject({ id, folder: 'junkemail' });
      expect(junk.changeKey).not.toBe(before.changeKey);
      expect((await bed.mailbox.find({ mailbox: alice, folder: 'junkemail', offset: 0, maxEntries: 5, order: 'newest-first' })).total).toBe(
        1,
      );
      expect(await refusalOf(bed.mailbox.move(commandId(), { mailbox: bob, itemId: id, to: 'inbox' }))).toBe(
        CommandErrorCodes.itemNotFound,
      );
    });
  });

  it('marks whole folders read or unread, and counts only what changed', async () => {
    await deliverSeries(bed, 3);
    await bed.deliver(sampleVoicemailMime({ to: [alice] }), [alice]);
    const first = await bed.mailbox.markAllRead(commandId(), { mailbox: alice, folders: ['voicemail'], isRead: true });
    expect(first).toEqual({ changed: 1 });
    const rest = await bed.mailbox.markAllRead(commandId(), { mailbox: alice, folders: ['inbox', 'voicemail'], isRead: true });
    expect(rest).toEqual({ changed: 3 });
    expect(await bed.mailbox.markAllRead(commandId(), { mailbox: alice, folders: ['inbox'], isRead: true })).toEqual({ changed: 0 });
    const unread = await bed.mailbox.markAllRead(commandId(), { mailbox: alice, folders: ['inbox'], isRead: false });
    expect(unread).toEqual({ changed: 4 });
    expect((await bed.messageEvents()).filter((e) => e.change === 'modified')).toHaveLength(8);
  });

  it('counts every message folder and the voicemail view, with the quota', async () => {
    const [a] = await deliverSeries(bed, 2);
    const [vm] = (await bed.deliver(sampleVoicemailMime({ to: [alice] }), [alice])).deliveries;
    await bed.mailbox.update(commandId(), { mailbox: alice, itemId: vm.itemId, conflictResolution: 'AutoResolve', set: { isRead: true } });
    await bed.mailbox.delete(commandId(), { mailbox: alice, itemId: a, disposal: 'MoveToDeletedItems' });
    const counts = await bed.mailbox.counts({ mailbox: alice });
    expect(Object.keys(counts.folders).sort()).toEqual([...messageViewKinds].sort());
    const sizes = await sizesOf(bed, alice);
    expect(counts.folders.inbox).toEqual({ total: 2, unread: 1, size: sizes.inbox });
    expect(counts.folders.voicemail).toEqual({ total: 1, unread: 0, size: sizes.voicemail });
    expect(counts.folders.deleteditems).toEqual({ total: 1, unread: 1, size: sizes.deleteditems });
    expect(counts.folders.junkemail).toEqual({ total: 0, unread: 0, size: 0 });
    expect(counts.quota).toEqual({ used: sizes.inbox + sizes.deleteditems, limit: 10_000_000 });
    expect(counts.lastModifiedAt).not.toBeNull();

    const empty = await bed.mailbox.counts({ mailbox: bob });
    expect(empty.folders.inbox).toEqual({ total: 0, unread: 0, size: 0 });
    expect(empty.quota).toEqual({ used: 0, limit: 10_000_000 });
    expect(empty.lastModifiedAt).toBeNull();
  });
});

async function sizesOf(bed: StoreTestBed, mailbox: string): Promise<{ inbox: number; voicemail: number; deleteditems: number }> {
  const all = async (folder: 'inbox' | 'voicemail' | 'deleteditems'): Promise<MessageSummary[]> =>
    (await bed.mailbox.find({ mailbox, folder, offset: 0, maxEntries: 100, order: 'newest-first' })).items;
  const sum = (items: MessageSummary[]) => items.reduce((n, i) => n + i.size, 0);
  return { inbox: sum(await all('inbox')), voicemail: sum(await all('voicemail')), deleteditems: sum(await all('deleteditems')) };
}
