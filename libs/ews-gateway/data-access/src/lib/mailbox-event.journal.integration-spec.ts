import { migrateServiceSchema } from '@parley/persistence';
import { createTestDatabase } from '@parley/testing';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createEwsGatewayDataSource } from './ews-gateway.database';
import { MailboxEventJournal, type MailboxEventInput } from './mailbox-event.journal';
import { NotificationSubscriptionRepository } from './notification-subscription.repository';

describe('the mailbox event journal on PostgreSQL', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let dataSource: DataSource;
  let journal: MailboxEventJournal;
  let subscriptions: NotificationSubscriptionRepository;
  const all = { folders: null, eventTypes: ['NewMail', 'Created', 'Deleted', 'Modified', 'Moved', 'Copied'] as const };
  const event = (eventType: MailboxEventInput['eventType'], folder = 'inbox', occurredAt = new Date()): MailboxEventInput => ({
    eventType,
    itemId: `item-${randomUUID()}`,
    changeKey: 'ck',
    folder,
    oldItemId: null,
    oldFolder: null,
    occurredAt,
  });
  const append = async (mailbox: string, events: MailboxEventInput[]) =>
    (await dataSource.transaction((manager) => journal.append(manager, mailbox, events))).events;

  beforeAll(async () => {
    db = await createTestDatabase('ews_journal');
    dataSource = createEwsGatewayDataSource(db.url);
    await dataSource.initialize();
    await migrateServiceSchema(dataSource);
    journal = new MailboxEventJournal(dataSource);
    subscriptions = new NotificationSubscriptionRepository(dataSource);
  });

  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  it('numbers each mailbox on its own, from 1, in append order', async () => {
    expect(await journal.position('ann@example.com')).toEqual({ lastSeq: 0, purgedThrough: 0 });
    const first = await append('ann@example.com', [event('NewMail'), event('Created')]);
    const other = await append('bob@example.com', [event('Created', 'calendar')]);
    const second = await append('ann@example.com', [event('Modified')]);
    expect(first.map((e) => e.seq)).toEqual([1, 2]);
    expect(other.map((e) => e.seq)).toEqual([1]);
    expect(second.map((e) => e.seq)).toEqual([3]);
    const page = await journal.readAfter('ann@example.com', 0, all, 10);
    expect(page.events.map((e) => [e.seq, e.eventType, e.itemId])).toEqual([
      [1, 'NewMail', first[0].itemId],
      [2, 'Created', first[1].itemId],
      [3, 'Modified', second[0].itemId],
    ]);
    expect(page).toMatchObject({ lastSeq: 3, truncated: false });
  });

  it('gives concurrent appends to one mailbox every sequence once, with no gap', async () => {
    const mailbox = 'busy@example.com';
    await Promise.all(Array.from({ length: 40 }, () => append(mailbox, [event('Created')])));
    const page = await journal.readAfter(mailbox, 0, all, 100);
    expect(page.events.map((e) => e.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });

  it('filters by event type and folder (a move matches its old folder too), and pages with truncated', async () => {
    const mailbox = 'filter@example.com';
    const moved = { ...event('Moved', 'deleteditems'), oldFolder: 'inbox', oldItemId: 'x' };
    await append(mailbox, [event('NewMail'), event('Created', 'calendar'), moved, event('Modified', 'tasks')]);
    const inbox = await journal.readAfter(mailbox, 0, { folders: ['inbox'], eventTypes: ['NewMail', 'Moved'] }, 10);
    expect(inbox.events.map((e) => e.eventType)).toEqual(['NewMail', 'Moved']);
    const firstOnly = await journal.readAfter(mailbox, 0, all, 1);
    expect(firstOnly).toMatchObject({ truncated: true, lastSeq: 4 });
    expect(firstOnly.events.map((e) => e.seq)).toEqual([1]);
    expect((await journal.readAfter(mailbox, 4, all, 10)).events).toEqual([]);
  });

  it('removes entries past retention and remembers how far, and marks push subscriptions due on append', async () => {
    const mailbox = 'old@example.com';
    const long = new Date(Date.now() - 10 * 86_400_000);
    await append(mailbox, [event('Created', 'inbox', long), event('Created', 'inbox', long)]);
    await append(mailbox, [event('Created')]);
    const id = randomUUID();
    await subscriptions.create({
      id,
      mailbox,
      kind: 'push',
      folders: null,
      eventTypes: ['Created'],
      watermark: 3,
      timeoutMinutes: null,
      statusFrequencyMinutes: 5,
      callbackUrl: 'https://listener.example.com/ews',
      callerData: null,
      createdAt: new Date(),
      expiresAt: new Date(Date.now() + 86_400_000),
    });
    expect((await subscriptions.find(id))?.pushDueAt).toBeNull();
    expect(await journal.purgeOlderThan(new Date(Date.now() - 86_400_000), 1000)).toBeGreaterThanOrEqual(2);
    expect(await journal.position(mailbox)).toEqual({ lastSeq: 3, purgedThrough: 2 });
    expect((await journal.readAfter(mailbox, 0, all, 10)).events.map((e) => e.seq)).toEqual([3]);
    const appended = await dataSource.transaction((manager) => journal.append(manager, mailbox, [event('Created')]));
    expect(appended.pushMarked).toBe(1);
    expect((await subscriptions.find(id))?.pushDueAt).toBeInstanceOf(Date);
  });

  it('moves a watermark forward only, and sweeps expired subscriptions', async () => {
    const id = randomUUID();
    const now = new Date();
    await subscriptions.create({
      id,
      mailbox: 'sub@example.com',
      kind: 'pull',
      folders: ['inbox'],
      eventTypes: ['NewMail'],
      watermark: 5,
      timeoutMinutes: 1,
      statusFrequencyMinutes: null,
      callbackUrl: null,
      callerData: null,
      createdAt: now,
      expiresAt: new Date(now.getTime() + 60_000),
    });
    expect(await subscriptions.advance(id, 3, new Date(now.getTime() + 120_000))).toBe(true);
    expect((await subscriptions.find(id))?.watermark).toBe(5);
    expect(await subscriptions.advance(id, 9, new Date(now.getTime() + 120_000))).toBe(true);
    expect((await subscriptions.find(id))?.watermark).toBe(9);
    expect(await subscriptions.removeExpired(new Date(now.getTime() + 180_000), 100)).toBeGreaterThanOrEqual(1);
    expect(await subscriptions.find(id)).toBeNull();
    expect(await subscriptions.advance(id, 10, now)).toBe(false);
  });
});
