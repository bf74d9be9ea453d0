import type { JournaledEvent, JournalPage, MailboxEventFilter, NotificationSubscriptionEntity } from '@parley/ews-gateway/data-access';
import type { ServerResponse } from 'node:http';
import { EventEmitter } from 'node:events';
import { StreamingConnection, subscriptionTakes } from './streaming-connection';

const MAILBOX = 'ann@example.com';

function event(seq: number, eventType: JournaledEvent['eventType'] = 'NewMail', folder = 'inbox'): JournaledEvent {
  return {
    mailbox: MAILBOX,
    seq,
    eventType,
    itemId: `item-${seq}`,
    changeKey: 'ck',
    folder,
    oldItemId: null,
    oldFolder: null,
    occurredAt: new Date(0),
  };
}

/** The journal as the connection reads it: everything appended so far. */
class FakeJournal {
  readonly events: JournaledEvent[] = [];
  reads = 0;
  async readAfter(mailbox: string, after: number, filter: MailboxEventFilter, limit: number): Promise<JournalPage> {
    this.reads++;
    const lastSeq = this.events.length === 0 ? 0 : this.events[this.events.length - 1].seq;
    const events = this.events.filter((e) => e.mailbox === mailbox && e.seq > after && subscriptionTakes(filter, e)).slice(0, limit);
    return { lastSeq, purgedThrough: 0, events, truncated: events.length === limit };
  }
}

class FakeResponse extends EventEmitter {
  statusCode = 0;
  readonly chunks: string[] = [];
  writableEnded = false;
  destroyed = false;
  writableLength = 0;
  readonly headers = new Map<string, unknown>();
  setHeader(name: string, value: unknown): void {
    this.headers.set(name, value);
  }
  write(chunk: string): boolean {
    this.chunks.push(chunk);
    return true;
  }
  end(): void {
    this.writableEnded = true;
  }
  destroy(): void {
    this.destroyed = true;
  }
  /** The item ids of the NewMail events written, in order. */
  get newMail(): string[] {
    return this.chunks.flatMap((c) => [...c.matchAll(/<t:NewMailEvent>.*?<t:ItemId Id="([^"]+)"/g)].map((m) => m[1]));
  }
}

function subscription(watermark: number, folders: string[] | null = ['inbox']): NotificationSubscriptionEntity {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    mailbox: MAILBOX,
    kind: 'streaming',
    folders,
    eventTypes: ['NewMail'],
    watermark,
    timeoutMinutes: null,
    statusFrequencyMinutes: null,
    callbackUrl: null,
    callerData: null,
    createdAt: new Date(0),
    expiresAt: new Date(8.64e15),
    pushDueAt: null,
    pushFailures: 0,
    pushStatusDueAt: null,
    pushLeaseUntil: null,
  };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('a GetStreamingEvents connection', () => {
  let journal: FakeJournal;
  let res: FakeResponse;
  let connection: StreamingConnection;
  const stored: number[] = [];

  function open(sub: NotificationSubscriptionEntity): void {
    connection = new StreamingConnection(
      [sub],
      { heartbeatMs: 60_000, lifetimeMs: 60_000, maxBufferedBytes: 1 << 20 },
      {
        journal: journal as never,
        subscriptions: {
          advance: async (_id: string, watermark: number) => {
            stored.push(watermark);
            return true;
          },
        } as never,
        folderIdentity: (_mailbox, kind) => ({ id: `folder-${kind}`, changeKey: 'fck' }),
        onError: (error) => {
          throw error;
        },
      },
    );
    connection.attach(res as unknown as ServerResponse);
    connection.start([]);
  }

  beforeEach(() => {
    journal = new FakeJournal();
    res = new FakeResponse();
    stored.length = 0;
  });

  afterEach(() => connection.close('done'));

  it('first sends what happened since the stored watermark, then live events once each, in order', async () => {
    journal.events.push(event(1), event(2), event(3));
    open(subscription(1));
    await settle();
    expect(res.newMail).toEqual(['item-2', 'item-3']);
    journal.events.push(event(4));
    // The journaling replica's own hand-off and the feed both bring it.
    connection.offer(event(4));
    connection.offer(event(4));
    await settle();
    expect(res.newMail).toEqual(['item-2', 'item-3', 'item-4']);
  });

  it('reads the journal when a live event skips one (it is still on its way by the other path)', async () => {
    open(subscription(0));
    await settle();
    journal.events.push(event(1), event(2));
    connection.offer(event(2));
    await settle();
    expect(res.newMail).toEqual(['item-1', 'item-2']);
    connection.offer(event(1));
    await settle();
    expect(res.newMail).toEqual(['item-1', 'item-2']);
  });

  it('passes over events its subscription does not take, and keeps the sequence', async () => {
    open(subscription(0));
    await settle();
    journal.events.push(event(1, 'Created'), event(2, 'NewMail', 'sentitems'), event(3));
    for (const e of journal.events) connection.offer(e);
    await settle();
    expect(res.newMail).toEqual(['item-3']);
    expect(journal.reads).toBe(1); // no gap: no second read
  });

  it('ends with ConnectionStatus Closed at its timeout and stores how far it got', async () => {
    journal.events.push(event(1));
    open(subscription(0));
    await settle();
    connection.close('timeout');
    await settle();
    expect(res.chunks[res.chunks.length - 1]).toContain('<m:ConnectionStatus>Closed</m:ConnectionStatus>');
    expect(res.chunks.every((c) => c.startsWith('<Envelope xmlns="http://schemas.xmlsoap.org/soap/envelope/"'))).toBe(true);
    expect(res.writableEnded).toBe(true);
    expect(Math.max(...stored)).toBe(1);
  });
});
