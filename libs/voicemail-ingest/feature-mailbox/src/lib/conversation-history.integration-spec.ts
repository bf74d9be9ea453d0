import { createEnvelope, type Envelope, type ImConversationEndedEvent, imConversationEndedEventSchema, Topics } from '@parley/contracts';
import { startStoreTestBed, type StoreTestBed } from '../../test/store-test-bed';
import {
  CONVERSATION_ITEM_CLASS,
  ConversationHistoryService,
  MISSED_CONVERSATION_ITEM_CLASS,
  ParticipantNames,
} from './conversation-history.service';

const alice = 'alice@parley.test';
const bob = 'bob@parley.test';
const conversationId = '4f1c2a5e-9a7b-4c3d-8e2f-0a1b2c3d4e5f';

class DirectoryNames extends ParticipantNames {
  async displayNameOf(address: string): Promise<string | null> {
    return ({ [alice]: 'Alice Archer', [bob]: 'Bob Baker' } as Record<string, string>)[address] ?? null;
  }
}

/** The event presence-bridge's outbox carries for `mailbox`, validated as the consumer validates it. */
function ended(mailbox: string, messages: ImConversationEndedEvent['messages'], omittedMessages = 0): Envelope<ImConversationEndedEvent> {
  const payload = imConversationEndedEventSchema.parse({
    conversationId,
    mailbox,
    participants: [alice, bob],
    startedAt: messages[0].sentAt,
    lastMessageAt: messages[messages.length - 1].sentAt,
    messages,
    omittedMessages,
  });
  return createEnvelope({ type: Topics.imConversationEnded, key: mailbox, payload, correlationId: 'im-history-spec' });
}

const chat: ImConversationEndedEvent['messages'] = [
  { from: alice, to: bob, sentAt: '2026-12-03T10:00:00.000Z', text: 'Lunch at noon?\nThe usual place', delivered: true },
  { from: bob, to: alice, sentAt: '2026-12-03T10:00:30.000Z', text: 'Sure <b>& see you</b>', delivered: true },
];

describe('IM conversation history (voicemail-ingest)', () => {
  let bed: StoreTestBed;
  let history: ConversationHistoryService;

  beforeAll(async () => {
    bed = await startStoreTestBed('vi_im_history', { mailboxes: [alice, bob], blobStore: 'postgres' });
    history = new ConversationHistoryService(bed.delivery, new DirectoryNames());
  });
  afterAll(() => bed.close());
  afterEach(() => bed.reset());

  const folder = async (mailbox: string, name: 'conversationhistory' | 'inbox') =>
    (await bed.mailbox.find({ mailbox, folder: name, offset: 0, maxEntries: 10, order: 'newest-first' })).items;

  it("files one conversation item per participant in Conversation History, with Lync's class, subject and a transcript", async () => {
    const forAlice = ended(alice, chat);
    const forBob = ended(bob, chat);
    expect(await history.file(forAlice)).toEqual(['filed']);
    expect(await history.file(forBob)).toEqual(['filed']);
    for (const mailbox of [alice, bob]) {
      const items = await folder(mailbox, 'conversationhistory');
      expect(items).toHaveLength(1);
      expect(items[0]).toEqual(
        expect.objectContaining({
          folder: 'conversationhistory',
          itemClass: CONVERSATION_ITEM_CLASS,
          subject: 'Lunch at noon?',
          from: { address: alice, name: 'Alice Archer' },
          to: [{ address: bob, name: 'Bob Baker' }],
          sentAt: '2026-12-03T10:00:00.000Z',
          isRead: true,
        }),
      );
      expect(await folder(mailbox, 'inbox')).toEqual([]);
      const view = await bed.mailbox.get({ mailbox, itemId: items[0].id });
      expect(view.body?.type).toBe('HTML');
      expect(view.body?.content).toContain('Sure &lt;b&gt;&amp; see you&lt;/b&gt;');
      expect(view.body?.content).toContain('<b>Bob Baker</b>');
      expect(view.body?.content).toContain('10:00 UTC');
    }
    // The store announced both like any delivery.
    expect((await bed.messageEvents()).map((e) => [e.mailbox, e.change])).toEqual([
      [alice, 'delivered'],
      [bob, 'delivered'],
    ]);
  });

  it('is idempotent per event id: a redelivered event files nothing more', async () => {
    const event = ended(alice, chat);
    expect(await history.file(event)).toEqual(['filed']);
    expect(await history.file(event)).toEqual(['duplicate']);
    expect(await folder(alice, 'conversationhistory')).toHaveLength(1);
    // Another event of the same conversation (another id) is another item.
    expect(await history.file(ended(alice, chat))).toEqual(['filed']);
    expect(await folder(alice, 'conversationhistory')).toHaveLength(2);
  });

  it("IMs that reached none of the recipient's clients: a missed-conversation notice in their Inbox; the sender keeps the conversation", async () => {
    const missed: ImConversationEndedEvent['messages'] = [
      { from: alice, to: bob, sentAt: '2026-12-03T11:00:00.000Z', text: 'Call me when you are back', delivered: false },
      { from: alice, to: bob, sentAt: '2026-12-03T11:01:00.000Z', text: 'It is about the budget', delivered: false },
    ];
    const forBob = ended(bob, missed);
    expect(await history.file(forBob)).toEqual(['filed']);
    expect(await history.file(forBob)).toEqual(['duplicate']);
    expect(await folder(bob, 'conversationhistory')).toEqual([]);
    const [notice] = await folder(bob, 'inbox');
    expect(notice).toEqual(
      expect.objectContaining({
        itemClass: MISSED_CONVERSATION_ITEM_CLASS,
        subject: 'Missed conversation with Alice Archer',
        from: { address: alice, name: 'Alice Archer' },
        to: [{ address: bob, name: 'Bob Baker' }],
        isRead: false,
      }),
    );
    const view = await bed.mailbox.get({ mailbox: bob, itemId: notice.id });
    expect(view.body?.content).toContain('Call me when you are back');
    expect(view.body?.content).toContain('It is about the budget');

    expect(await history.file(ended(alice, missed))).toEqual(['filed']);
    expect(await folder(alice, 'inbox')).toEqual([]);
    expect(await folder(alice, 'conversationhistory')).toEqual([
      expect.objectContaining({ itemClass: CONVERSATION_ITEM_CLASS, subject: 'Call me when you are back' }),
    ]);
  });

  it('says how many IMs were past the limits; a participant who is no mailbox any more is skipped', async () => {
    await history.file(ended(alice, chat, 3));
    const [item] = await folder(alice, 'conversationhistory');
    expect((await bed.mailbox.get({ mailbox: alice, itemId: item.id })).body?.content).toContain('3 later messages were too many to keep.');

    const stranger = 'carol@parley.test';
    const payload = { ...ended(alice, chat).payload, mailbox: stranger, participants: [alice, stranger] as [string, string] };
    const messages = chat.map((m) => ({ ...m, to: m.to === bob ? stranger : m.to, from: m.from === bob ? stranger : m.from }));
    const event = createEnvelope({
      type: Topics.imConversationEnded,
      key: stranger,
      payload: imConversationEndedEventSchema.parse({ ...payload, messages }),
      correlationId: 'im-history-spec',
    });
    expect(await history.file(event)).toEqual(['unknown-mailbox']);
  });
});
