import { createEnvelope, type MessageWaitingChangedEvent, Topics } from '@parley/contracts';
import { DeadLetterRepository, MessagingTransport } from '@parley/messaging';
import { waitFor } from '@parley/testing';
import { randomUUID } from 'node:crypto';
import { PresenceReplica, presenceTestDatabase, testCoreOptions } from '../../test/presence-test-bed';

// voicemail-ingest's counts as presence-bridge's consumer sees them: published on the in-process bus
// (as voicemail-ingest's outbox relay would), applied once, in revision order, into the owner's view.

const ANNA = 'anna@mwi.test';

const counts = (revision: number, newMessages: number, oldMessages: number): MessageWaitingChangedEvent => ({
  mailbox: ANNA,
  newMessages,
  oldMessages,
  revision,
});

describe('message-waiting counts into presence on PostgreSQL', () => {
  let database: Awaited<ReturnType<typeof presenceTestDatabase>>;
  let bed: PresenceReplica;

  beforeAll(async () => {
    database = await presenceTestDatabase('presence_mwi_it');
    bed = await PresenceReplica.start({
      databaseUrl: database.url,
      bus: 'inprocess',
      run: database.run,
      migrate: true,
      core: testCoreOptions('mwi-it'),
    });
  });

  afterAll(async () => {
    await bed?.close();
    await database?.drop();
  });

  beforeEach(async () => {
    await bed.reset();
  });

  const publish = (payload: unknown, id = randomUUID()) =>
    bed.app.get(MessagingTransport).publisher.publish([
      {
        topic: Topics.messageWaitingChanged,
        key: ANNA,
        envelope: createEnvelope({ id, type: Topics.messageWaitingChanged, key: ANNA, payload, correlationId: 'mwi-it' }),
      },
    ]);
  const published = async () => (await bed.presenceEvents(ANNA)).map((e) => [e.sequence, e.view.messageWaiting]);

  it('a change of counts republishes the owner’s view with them; equal counts under a new revision publish nothing', async () => {
    await publish(counts(1, 2, 1));
    await waitFor(async () => (await published()).length === 1);
    expect(await published()).toEqual([[1, { newMessages: 2, oldMessages: 1 }]]);
    const [event] = await bed.presenceEvents(ANNA);
    // Counts alone leave the aggregate as it was: nobody connected, Offline.
    expect(event).toMatchObject({ availability: 18500, oof: false, note: null });

    expect(await bed.sources.applyMessageWaiting(randomUUID(), counts(2, 2, 1))).toBe('unchanged');
    await publish(counts(3, 0, 3));
    await waitFor(async () => (await published()).length === 2);
    expect(await published()).toEqual([
      [1, { newMessages: 2, oldMessages: 1 }],
      [2, { newMessages: 0, oldMessages: 3 }],
    ]);
  });

  it('applies each event once, and an older or equal revision (a late or replayed one) changes nothing', async () => {
    const id = randomUUID();
    expect(await bed.sources.applyMessageWaiting(id, counts(5, 4, 0))).toBe('applied');
    expect(await bed.sources.applyMessageWaiting(id, counts(5, 4, 0))).toBe('duplicate');
    expect(await bed.sources.applyMessageWaiting(randomUUID(), counts(4, 9, 9))).toBe('stale');
    expect(await bed.sources.applyMessageWaiting(randomUUID(), counts(5, 1, 1))).toBe('stale');
    expect(await bed.sources.applyMessageWaiting(randomUUID(), counts(6, 3, 1))).toBe('applied');
    expect(await published()).toEqual([
      [1, { newMessages: 4, oldMessages: 0 }],
      [2, { newMessages: 3, oldMessages: 1 }],
    ]);
  });

  it('the counts and calendar-sync’s sources are kept side by side: one does not reset the other', async () => {
    await bed.sources.applyMessageWaiting(randomUUID(), counts(1, 1, 0));
    await bed.sources.applyOof(randomUUID(), {
      mailbox: ANNA,
      active: true,
      internalReply: 'Back Monday',
      externalReply: '',
      externalAudience: 'All',
      until: null,
      revision: 1,
      sequence: 1,
      effectiveAt: new Date().toISOString(),
    });
    const last = (await bed.presenceEvents(ANNA)).at(-1);
    expect(last?.oof).toBe(true);
    expect(last?.view.messageWaiting).toEqual({ newMessages: 1, oldMessages: 0 });
  });

  it('an invalid event is dead-lettered with its reason and changes nothing', async () => {
    await publish({ mailbox: ANNA, newMessages: -1, oldMessages: 0, revision: 1 });
    const letters = bed.app.get(DeadLetterRepository);
    await waitFor(async () => (await letters.count({ topic: Topics.messageWaitingChanged })) === 1);
    expect(await published()).toEqual([]);
  });
});

describe('message-waiting counts over Kafka', () => {
  let database: Awaited<ReturnType<typeof presenceTestDatabase>>;
  let bed: PresenceReplica;

  beforeAll(async () => {
    database = await presenceTestDatabase('presence_mwi_kafka');
    bed = await PresenceReplica.start({
      databaseUrl: database.url,
      bus: 'kafka',
      serviceGroup: true,
      run: database.run,
      migrate: true,
      core: testCoreOptions('mwi-kafka'),
    });
  });

  afterAll(async () => {
    await bed?.close();
    await database?.drop();
  });

  it("presence-bridge's consumer group reads voicemail-ingest's topic and republishes the owner", async () => {
    const key = 'kafka-owner@mwi.test';
    const payload: MessageWaitingChangedEvent = { mailbox: key, newMessages: 3, oldMessages: 2, revision: 1 };
    const envelope = createEnvelope({ type: Topics.messageWaitingChanged, key, payload, correlationId: 'mwi-kafka' });
    // Until the group has joined, a message may land before its offsets: send again until applied (idempotent by revision).
    await waitFor(
      async () => {
        await bed.app.get(MessagingTransport).publisher.publish([{ topic: Topics.messageWaitingChanged, key, envelope }]);
        return (await bed.presenceEvents(key)).length === 1;
      },
      { timeoutMs: 45_000, intervalMs: 1_000, what: 'the counts applied from Kafka' },
    );
    expect((await bed.presenceEvents(key))[0].view.messageWaiting).toEqual({ newMessages: 3, oldMessages: 2 });
  });
});
