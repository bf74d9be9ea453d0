import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { VOICEMAIL_ITEM_CLASS } from '@parley/contracts';
import { sampleAudio, sampleMime, sampleVoicemailMime } from '../../test/sample-mime';
import { commandId, startStoreTestBed, StoreTestBed } from '../../test/store-test-bed';
import { MailboxDeliveryError } from './mailbox-ports';

const alice = 'alice@parley.test';
const bob = 'bob@parley.test';
const carol = 'carol@parley.test';
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
/** A sweep as if the grace period had passed for every blob written so far. */
const afterGrace = () => new Date(Date.now() + 120_000);

describe.each(['filesystem', 'postgres'] as const)('delivery into the message store (%s blobs)', (blobStore) => {
  let bed: StoreTestBed;

  beforeAll(async () => {
    bed = await startStoreTestBed(`vi_delivery_${blobStore === 'postgres' ? 'pg' : 'fs'}`, {
      mailboxes: [alice, bob, carol],
      blobStore,
      quotaBytes: 200_000,
      orphanGraceMs: 60_000,
    });
  });
  afterAll(() => bed.close());
  afterEach(() => bed.reset());

  it('stores one copy per recipient in their Inbox, in one transaction, with the MIME and the audio readable byte for byte', async () => {
    const audio = sampleAudio(100_000);
    const raw = sampleVoicemailMime({ to: [alice, bob], audio });
    const receipt = await bed.deliver(raw, [alice, bob]);

    expect(receipt.deliveries.map((d) => [d.mailbox, d.voicemail])).toEqual([
      [alice, true],
      [bob, true],
    ]);
    for (const { mailbox, itemId } of receipt.deliveries) {
      const view = await bed.mailbox.get({ mailbox, itemId });
      expect(view).toMatchObject({
        folder: 'inbox',
        itemClass: VOICEMAIL_ITEM_CLASS,
        isRead: false,
        hasAttachments: true,
        size: raw.length,
      });
      expect(view.voicemail).toMatchObject({
        source: 'audio-attachment',
        audioContentType: 'audio/wav',
        audioAttachmentId: view.attachments[0].id,
      });
      const mime = await readAll(bed, mailbox, { kind: 'mime', itemId });
      expect(mime.equals(raw)).toBe(true);
      const recording = await readAll(bed, mailbox, { kind: 'attachment', attachmentId: view.attachments[0].id });
      expect(recording.equals(audio)).toBe(true);
    }
    // One MIME blob and one audio blob for both copies.
    expect(await blobCount(bed)).toBe(2);
    expect((await bed.messageEvents()).map((e) => [e.mailbox, e.change, e.folder])).toEqual([
      [alice, 'delivered', 'inbox'],
      [bob, 'delivered', 'inbox'],
    ]);
    expect((await bed.voicemailEvents()).map((e) => e.mailbox)).toEqual([alice, bob]);
  });

  it('keeps an attachment once whatever the number of messages and recipients that carry it', async () => {
    const audio = sampleAudio(5000, 7);
    await bed.deliver(sampleVoicemailMime({ to: [alice, bob], audio }), [alice, bob]);
    await bed.deliver(sampleVoicemailMime({ to: [carol], audio }), [carol]);
    expect(await bed.count('message')).toBe(3);
    expect(await bed.count('message_attachment')).toBe(3);
    // Two MIME blobs (the mails differ) and one audio blob.
    expect(await blobCount(bed)).toBe(3);
    const [row] = (await bed.db.dataSource.query(`SELECT DISTINCT content_blob FROM voicemail_ingest.message_attachment`)) as {
      content_blob: string;
    }[];
    expect(row.content_blob).toBe(sha256(audio));
  });

  it('refuses a delivery past one recipient’s quota and stores nothing for any recipient', async () => {
    await bed.deliver(
      sampleMime({ attachments: [{ filename: 'a.bin', contentType: 'application/octet-stream', content: sampleAudio(120_000) }] }),
      [bob],
    );
    const before = { messages: await bed.count('message'), events: (await bed.messageEvents()).length };

    const big = sampleVoicemailMime({ to: [alice, bob], audio: sampleAudio(60_000) });
    const refusal = await bed.deliver(big, [alice, bob]).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(MailboxDeliveryError);
    expect(refusal).toMatchObject({ refusal: 'over-quota', recipients: [bob] });
    expect(await bed.count('message')).toBe(before.messages);
    expect((await bed.messageEvents()).length).toBe(before.events);
    expect(await bed.delivery.checkRecipient(bob, 100_000)).toEqual({ accepted: false, reason: 'over-quota' });
    expect(await bed.delivery.checkRecipient(alice, 100_000)).toEqual({ accepted: true, mailbox: alice });

    // The refused delivery's blobs were written before its transaction; the sweeper takes them once their grace has passed.
    expect(await blobCount(bed)).toBe(4);
    expect((await bed.sweeper.sweep(new Date())).removed).toBe(0);
    expect((await bed.sweeper.sweep(afterGrace())).removed).toBe(2);
    expect(await blobCount(bed)).toBe(2);
  });

  it('refuses unknown recipients before storing anything', async () => {
    expect(await bed.delivery.checkRecipient('nobody@parley.test', 0)).toEqual({ accepted: false, reason: 'unknown-recipient' });
    const refusal = await bed.deliver(sampleMime(), [alice, 'nobody@parley.test']).catch((e: unknown) => e);
    expect(refusal).toMatchObject({ refusal: 'unknown-recipient', recipients: ['nobody@parley.test'] });
    expect(await bed.count('message')).toBe(0);
    expect(await blobCount(bed)).toBe(0);
  });

  it('writes a blob again inside the transaction when it vanished after its put (a sweeper in between), so no stored message lacks its bytes', async () => {
    const put = jest.spyOn(bed.blobs, 'put').mockResolvedValue(undefined);
    const raw = sampleVoicemailMime({ to: [alice] });
    try {
      const [delivery] = (await bed.deliver(raw, [alice])).deliveries;
      expect(put).toHaveBeenCalled();
      expect((await readAll(bed, alice, { kind: 'mime', itemId: delivery.itemId })).equals(raw)).toBe(true);
    } finally {
      put.mockRestore();
    }
  });

  it('never sweeps a blob a message names, however old; sweeps a deleted message’s blobs but keeps an attachment another message still has', async () => {
    const audio = sampleAudio(3000, 9);
    const first = (await bed.deliver(sampleVoicemailMime({ to: [alice], audio }), [alice])).deliveries[0];
    await bed.deliver(sampleVoicemailMime({ to: [bob], audio }), [bob]);
    expect((await bed.sweeper.sweep(afterGrace())).removed).toBe(0);
    expect(await blobCount(bed)).toBe(3);

    await bed.mailbox.delete(commandId(), { mailbox: alice, itemId: first.itemId, disposal: 'HardDelete' });
    expect(await bed.count('message_attachment')).toBe(1);
    expect((await bed.sweeper.sweep(new Date())).removed).toBe(0);
    const swept = await bed.sweeper.sweep(afterGrace());
    expect(swept.removed).toBe(1);
    expect(await blobCount(bed)).toBe(2);
    const [bobsMessage] = (await bed.mailbox.find({ mailbox: bob, folder: 'inbox', offset: 0, maxEntries: 10, order: 'newest-first' }))
      .items;
    const view = await bed.mailbox.get({ mailbox: bob, itemId: bobsMessage.id });
    expect((await readAll(bed, bob, { kind: 'attachment', attachmentId: view.attachments[0].id })).equals(audio)).toBe(true);
  });

  if (blobStore === 'filesystem') {
    it('removes temporary files a crash left in the middle of a write, after the grace period', async () => {
      const dir = bed.blobDir as string;
      mkdirSync(path.join(dir, 'tmp'), { recursive: true });
      writeFileSync(path.join(dir, 'tmp', `${'ab'.repeat(32)}.half`), Buffer.alloc(10));
      expect((await bed.sweeper.sweep(new Date())).abandonedWrites).toBe(0);
      expect((await bed.sweeper.sweep(afterGrace())).abandonedWrites).toBe(1);
      expect(readdirSync(path.join(dir, 'tmp'))).toEqual([]);
    });
  }

  it('makes a sweep wait for a transaction that holds the blob’s lock, so it sees the reference that transaction commits and keeps the blob', async () => {
    const content = sampleAudio(1000, 3);
    const key = sha256(content);
    await bed.blobs.put(key, content);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let signalLocked!: () => void;
    const locked = new Promise<void>((resolve) => (signalLocked = resolve));
    const delivering = bed.db.unitOfWork.run(async (tx) => {
      await bed.references.lockShared(tx, [key]);
      signalLocked();
      await gate;
      const now = new Date();
      await bed.messages.insert(
        tx,
        {
          id: '11111111-2222-4333-8444-555555555555',
          mailbox: alice,
          folder: 'inbox',
          itemClass: 'IPM.Note',
          subject: 'raced',
          fromAddress: null,
          toAddresses: [],
          ccAddresses: [],
          receivedAt: now,
          sentAt: null,
          size: content.length,
          isRead: false,
          hasAttachments: false,
          internetMessageId: null,
          importance: 'Normal',
          bodyType: null,
          body: null,
          headers: [],
          voicemail: null,
          mimeBlob: key,
          changeKey: 'k',
          lastModifiedAt: now,
        },
        [],
      );
    });
    await locked;
    let swept = false;
    const sweeping = bed.sweeper.sweep(afterGrace()).then((result) => {
      swept = true;
      return result;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(swept).toBe(false);
    release();
    await delivering;
    expect((await sweeping).removed).toBe(0);
    expect((await bed.blobs.read(key, 0, 2000))?.equals(content)).toBe(true);
  });

  it('reads any range of a large blob, across its chunks, byte for byte', async () => {
    const content = Buffer.from(Array.from({ length: 700_000 }, (_, i) => (i * 31) % 251));
    const key = sha256(content);
    await bed.blobs.put(key, content);
    for (const [offset, length] of [
      [0, 10],
      [262_140, 10],
      [100_000, 300_000],
      [524_280, 175_720],
      [699_990, 100],
    ]) {
      const bytes = await bed.blobs.read(key, offset, length);
      expect(bytes?.equals(content.subarray(offset, offset + length))).toBe(true);
    }
    expect(await bed.blobs.read(key, 700_000, 10)).toEqual(Buffer.alloc(0));
  });

  it('takes an HTTP drop as a voicemail with source http-drop', async () => {
    const [drop] = (await bed.deliver(sampleVoicemailMime({ to: [carol] }), [carol], 'http-drop')).deliveries;
    expect(drop.voicemail).toBe(true);
    const view = await bed.mailbox.get({ mailbox: carol, itemId: drop.itemId });
    expect(view.itemClass).toBe(VOICEMAIL_ITEM_CLASS);
    expect(view.voicemail?.source).toBe('http-drop');
  });

  it('stores an ordinary mail as IPM.Note, without a voicemail event', async () => {
    const [mail] = (await bed.deliver(sampleMime({ subject: 'Lunch?' }), [alice])).deliveries;
    expect(mail.voicemail).toBe(false);
    const view = await bed.mailbox.get({ mailbox: alice, itemId: mail.itemId });
    expect(view).toMatchObject({ itemClass: 'IPM.Note', subject: 'Lunch?', voicemail: null, hasAttachments: false });
    expect(view.body).toEqual({ type: 'Text', content: expect.stringContaining('A message for you.') });
    expect(await bed.voicemailEvents()).toEqual([]);
  });
});

async function blobCount(bed: StoreTestBed): Promise<number> {
  return (await bed.blobs.listWrittenBefore(new Date(Date.now() + 86_400_000), null, 10_000)).length;
}

async function readAll(
  bed: StoreTestBed,
  mailbox: string,
  content: { kind: 'mime'; itemId: string } | { kind: 'attachment'; attachmentId: string },
): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (let offset = 0; ;) {
    const chunk = await bed.mailbox.readContent({ mailbox, content, offset, length: 64 * 1024 });
    const bytes = Buffer.from(chunk.data, 'base64');
    parts.push(bytes);
    offset += bytes.length;
    if (bytes.length === 0 || offset >= chunk.size) break;
  }
  return Buffer.concat(parts);
}
