import { sampleMime, sampleVoicemailMime } from '../../test/sample-mime';
import { commandId, startStoreTestBed, StoreTestBed } from '../../test/store-test-bed';

const alice = 'alice@parley.test';
const bob = 'bob@parley.test';

describe('message-waiting counts', () => {
  let bed: StoreTestBed;

  beforeAll(async () => {
    bed = await startStoreTestBed('vi_waiting', { mailboxes: [alice, bob] });
  });
  afterAll(() => bed.close());
  afterEach(async () => {
    // The counts kept by difference are the counts of the messages.
    for (const mailbox of [alice, bob]) {
      const state = await bed.messages.state(mailbox);
      const recount = await bed.messages.waitingCounts(mailbox);
      expect({ newMessages: state?.waitingNew ?? 0, oldMessages: state?.waitingOld ?? 0 }).toEqual(recount);
    }
    await bed.reset();
  });

  const waiting = async () => (await bed.waitingEvents()).map((e) => [e.mailbox, e.newMessages, e.oldMessages, e.revision]);

  it('follow every deposit, read, unread, move and delete of a voicemail, each with the next revision', async () => {
    const [first] = (await bed.deliver(sampleVoicemailMime({ to: [alice] }), [alice])).deliveries;
    const [second] = (await bed.deliver(sampleVoicemailMime({ to: [alice] }), [alice])).deliveries;
    const update = (itemId: string, isRead: boolean) =>
      bed.mailbox.update(commandId(), { mailbox: alice, itemId, conflictResolution: 'AutoResolve', set: { isRead } });
    await update(first.itemId, true);
    await update(first.itemId, false);
    await update(first.itemId, true);
    await bed.mailbox.move(commandId(), { mailbox: alice, itemId: second.itemId, to: 'junkemail' });
    await bed.mailbox.move(commandId(), { mailbox: alice, itemId: second.itemId, to: 'inbox' });
    await bed.mailbox.delete(commandId(), { mailbox: alice, itemId: first.itemId, disposal: 'MoveToDeletedItems' });
    await bed.mailbox.delete(commandId(), { mailbox: alice, itemId: second.itemId, disposal: 'HardDelete' });
    expect(await waiting()).toEqual([
      [alice, 1, 0, 1],
      [alice, 2, 0, 2],
      [alice, 1, 1, 3],
      [alice, 2, 0, 4],
      [alice, 1, 1, 5],
      [alice, 0, 1, 6],
      [alice, 1, 1, 7],
      [alice, 1, 0, 8],
      [alice, 0, 0, 9],
    ]);
  });

  it('are published per recipient of one delivery, and mark-all-read publishes once', async () => {
    await bed.deliver(sampleVoicemailMime({ to: [alice, bob] }), [alice, bob]);
    await bed.deliver(sampleVoicemailMime({ to: [alice] }), [alice]);
    await bed.mailbox.markAllRead(commandId(), { mailbox: alice, folders: ['voicemail'], isRead: true });
    expect(await waiting()).toEqual([
      [alice, 1, 0, 1],
      [bob, 1, 0, 1],
      [alice, 2, 0, 2],
      [alice, 0, 2, 3],
    ]);
  });

  it('follow a voicemail moved out of the Inbox and back, and a mark-all-read over Inbox and voicemail view together', async () => {
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await bed.deliver(sampleVoicemailMime({ to: [alice] }), [alice])).deliveries[0].itemId);
    await bed.mailbox.delete(commandId(), { mailbox: alice, itemId: ids[0], disposal: 'MoveToDeletedItems' });
    await bed.mailbox.markAllRead(commandId(), { mailbox: alice, folders: ['inbox', 'voicemail', 'deleteditems'], isRead: true });
    await bed.mailbox.move(commandId(), { mailbox: alice, itemId: ids[0], to: 'inbox' });
    expect((await waiting()).slice(3)).toEqual([
      [alice, 2, 0, 4],
      [alice, 0, 2, 5],
      [alice, 0, 3, 6],
    ]);
  });

  it('are not published when a change leaves them as they were (ordinary mail, a read that changes nothing)', async () => {
    const [mail] = (await bed.deliver(sampleMime(), [alice])).deliveries;
    await bed.mailbox.update(commandId(), {
      mailbox: alice,
      itemId: mail.itemId,
      conflictResolution: 'AutoResolve',
      set: { isRead: true },
    });
    await bed.mailbox.delete(commandId(), { mailbox: alice, itemId: mail.itemId, disposal: 'HardDelete' });
    expect(await waiting()).toEqual([]);
  });
});
