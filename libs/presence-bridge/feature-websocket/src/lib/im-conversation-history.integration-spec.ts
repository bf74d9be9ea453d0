import { type Envelope, type ImConversationEndedEvent, imConversationEndedEventSchema, Topics } from '@parley/contracts';
import { ImConversationRepository, PresenceBridgeDatabase } from '@parley/presence-bridge/data-access';
import { type CoreSocketTestBed, startCoreSocketTestBed } from '../../test/presence-socket-core-test-bed';
import type { TestClient } from '../../test/presence-socket-test-bed';

// IM conversation history over the real presence core (PostgreSQL, the in-process bus, the outbox):
// JSON WebSocket clients chat, the conversation goes idle and ends with one event per participant.

const ALICE = 'alice@im-history.test';
const BOB = 'bob@im-history.test';
const CAROL = 'carol@im-history.test';
const DAVE = 'dave@im-history.test';
const IDLE_MS = 1_500;

describe('IM conversation history (presence-bridge)', () => {
  let bed: CoreSocketTestBed;
  const open: TestClient[] = [];
  const connect = async (user: string) => {
    const client = await bed.connect(user);
    open.push(client);
    await client.next('hello');
    return client;
  };

  /** The conversation-ended events in the outbox, in commit order. */
  const endedEvents = async (): Promise<ImConversationEndedEvent[]> => {
    const rows = (await bed.app
      .get(PresenceBridgeDatabase)
      .dataSource.query(`SELECT envelope FROM presence_bridge.outbox_message WHERE topic = $1 ORDER BY seq`, [
        Topics.imConversationEnded,
      ])) as { envelope: Envelope<unknown> }[];
    return rows.map((r) => {
      expect(r.envelope.key).toBe((r.envelope.payload as ImConversationEndedEvent).mailbox);
      return imConversationEndedEventSchema.parse(r.envelope.payload);
    });
  };
  const waitForEvents = async (count: number, timeoutMs = IDLE_MS + 5_000): Promise<ImConversationEndedEvent[]> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const events = await endedEvents();
      if (events.length >= count || Date.now() > deadline) return events;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  beforeAll(async () => {
    bed = await startCoreSocketTestBed([ALICE, BOB, CAROL, DAVE], {}, { imConversationIdleMs: IDLE_MS, timerPollMaxMs: 200 });
  });

  afterEach(async () => {
    const clients = open.splice(0);
    await Promise.all(clients.map((c) => c.close()));
    for (const client of clients) expect(client.invalid).toEqual([]);
    await bed.app
      .get(PresenceBridgeDatabase)
      .dataSource.query(`DELETE FROM presence_bridge.outbox_message WHERE topic = $1`, [Topics.imConversationEnded]);
  });

  afterAll(async () => {
    await bed?.close();
  });

  it('a chat between two users ends after the idle time: one event per participant with the whole transcript, the rows gone', async () => {
    const alice = await connect(ALICE);
    const bob = await connect(BOB);
    const started = Date.now();
    expect(await alice.request({ type: 'send-im', clientMessageId: 'a-1', to: BOB, text: 'lunch at noon?' })).toEqual(
      expect.objectContaining({ type: 'im-delivered' }),
    );
    await bob.next('im');
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS / 2));
    // Within the idle time: the same conversation, its end moved on.
    expect(await bob.request({ type: 'send-im', clientMessageId: 'b-1', to: ALICE, text: 'Sure <b>& see you</b>' })).toEqual(
      expect.objectContaining({ type: 'im-delivered' }),
    );
    const inProgress = await bed.app.get(ImConversationRepository).inProgress();
    expect(inProgress).toEqual([expect.objectContaining({ participants: [ALICE, BOB], messageCount: 2 })]);
    expect(await endedEvents()).toEqual([]);

    const events = await waitForEvents(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(IDLE_MS * 1.5 - 100);
    expect(events.map((e) => e.mailbox).sort()).toEqual([ALICE, BOB]);
    for (const event of events) {
      expect(event).toEqual(expect.objectContaining({ conversationId: inProgress[0].id, participants: [ALICE, BOB], omittedMessages: 0 }));
      expect(event.messages).toEqual([
        expect.objectContaining({ from: ALICE, to: BOB, text: 'lunch at noon?', delivered: true }),
        expect.objectContaining({ from: BOB, to: ALICE, text: 'Sure <b>& see you</b>', delivered: true }),
      ]);
    }
    expect(await bed.app.get(ImConversationRepository).inProgress()).toEqual([]);
    expect(await bed.app.get(PresenceBridgeDatabase).dataSource.query(`SELECT * FROM presence_bridge.im_conversation_message`)).toEqual([]);
    // The next IM opens a new conversation.
    await alice.request({ type: 'send-im', clientMessageId: 'a-2', to: BOB, text: 'one more thing' });
    const next = await bed.app.get(ImConversationRepository).inProgress();
    expect(next).toHaveLength(1);
    expect(next[0].id).not.toBe(inProgress[0].id);
    expect((await waitForEvents(4)).slice(2).every((e) => e.conversationId === next[0].id && e.messages.length === 1)).toBe(true);
  });

  it('an IM to a user with no client is missed: recorded undelivered for them; a blocked sender and unknown addresses leave nothing', async () => {
    const alice = await connect(ALICE);
    const dave = await connect(DAVE);
    await dave.request({ type: 'block', watcher: ALICE });
    await dave.close();
    expect(await alice.request({ type: 'send-im', clientMessageId: 'm-1', to: CAROL, text: 'call me when you are back' })).toEqual(
      expect.objectContaining({ type: 'im-failed', reason: 'recipient-offline' }),
    );
    expect(await alice.request({ type: 'send-im', clientMessageId: 'm-2', to: DAVE, text: 'you there?' })).toEqual(
      expect.objectContaining({ type: 'im-failed', reason: 'recipient-offline' }),
    );
    expect(await alice.request({ type: 'send-im', clientMessageId: 'm-3', to: 'nobody@im-history.test', text: 'hello?' })).toEqual(
      expect.objectContaining({ type: 'im-failed', reason: 'recipient-offline' }),
    );
    const events = await waitForEvents(2);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await endedEvents()).toHaveLength(2);
    expect(events.map((e) => e.mailbox).sort()).toEqual([ALICE, CAROL]);
    for (const event of events) {
      expect(event.participants).toEqual([ALICE, CAROL]);
      expect(event.messages).toEqual([
        expect.objectContaining({ from: ALICE, to: CAROL, text: 'call me when you are back', delivered: false }),
      ]);
    }
    const daveAgain = await connect(DAVE);
    await daveAgain.request({ type: 'unblock', watcher: ALICE });
  });

  it('a conversation keeps its beginning within the limits and counts the rest', async () => {
    const db = bed.app.get(PresenceBridgeDatabase);
    const repository = bed.app.get(ImConversationRepository);
    const limits = { messages: 2, characters: 12 };
    const farFuture = new Date(Date.now() + 3_600_000);
    const ims = ['hello', 'this is too long', 'short', 'x'];
    for (const [i, text] of ims.entries()) {
      await db.unitOfWork.run((tx) =>
        repository.record(
          tx,
          { from: i % 2 ? CAROL : BOB, to: i % 2 ? BOB : CAROL, sentAt: new Date(), text, delivered: true },
          '00000000-0000-4000-8000-00000000000' + i,
          farFuture,
          limits,
        ),
      );
    }
    const [claimed] = await db.unitOfWork.run(async (tx) => {
      const due = await repository.claimDue(tx, farFuture, 10);
      await repository.remove(
        tx,
        due.map((c) => c.id),
      );
      return due;
    });
    expect(claimed).toEqual(
      expect.objectContaining({ id: '00000000-0000-4000-8000-000000000000', participants: [BOB, CAROL], messageCount: 4 }),
    );
    // 'short' would fit, but after a left-out IM nothing more is kept: the transcript has no holes.
    expect(claimed.messages.map((m) => m.text)).toEqual(['hello']);
  });
});
