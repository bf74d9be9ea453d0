import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { EwsNotificationLimits } from '@parley/config';
import {
  createEwsGatewayDataSource,
  MailboxEventJournal,
  type MailboxEventInput,
  NotificationSubscriptionRepository,
} from '@parley/ews-gateway/data-access';
import { NS, parseEwsXml } from '@parley/ews-gateway/soap';
import { Metrics } from '@parley/observability';
import { migrateServiceSchema, revertServiceSchema } from '@parley/persistence';
import { createTestDatabase } from '@parley/testing';
import { child, children, text, type XmlElement } from '@parley/xml';
import type { DataSource } from 'typeorm';
import { FolderIds } from '../folders/folder-ids';
import { decodeSubscriptionId, decodeWatermark } from './notification-ids';
import { PushDispatcher } from './push-dispatcher';
import { PushDestinationPolicy } from './push-destination.policy';

/** What a listener answers: a status, an HTTP error, or nothing at all (it hangs until the test ends). */
type ListenerAnswer = 'OK' | 'Unsubscribe' | { status: number } | 'hang';

interface Received {
  readonly subscriptionId: string;
  readonly previousWatermark: number | undefined;
  readonly moreEvents: string | undefined;
  /** Event element names with their watermark (`NewMailEvent@3`, `StatusEvent@2`). */
  readonly events: string[];
  readonly itemIds: string[];
}

/** The test's push listener: a plain `node:http` server answering each SendNotification as told. */
class Listener {
  readonly received: Received[] = [];
  answers: ListenerAnswer[] = [];
  fallback: ListenerAnswer = 'OK';
  /** Runs before each answer (a test holds an answer back with it). */
  beforeAnswer: () => Promise<void> = async () => undefined;
  private readonly server: Server;
  private readonly hanging: ServerResponse[] = [];

  constructor() {
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/ews/push`;
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const envelope = parseEwsXml(Buffer.concat(chunks));
    const send = child(child(envelope, NS.SOAP, 'Body') as XmlElement, NS.MESSAGES, 'SendNotification') as XmlElement;
    const message = child(
      child(send, NS.MESSAGES, 'ResponseMessages') as XmlElement,
      NS.MESSAGES,
      'SendNotificationResponseMessage',
    ) as XmlElement;
    expect(text(child(message, NS.MESSAGES, 'ResponseCode'))).toBe('NoError');
    const notification = child(message, NS.MESSAGES, 'Notification') as XmlElement;
    const eventElements = children(notification, NS.TYPES).filter((c) => c.local.endsWith('Event'));
    const previous = text(child(notification, NS.TYPES, 'PreviousWatermark'));
    this.received.push({
      subscriptionId: decodeSubscriptionId(text(child(notification, NS.TYPES, 'SubscriptionId')) ?? '') ?? '?',
      previousWatermark: previous === undefined ? undefined : decodeWatermark(previous),
      moreEvents: text(child(notification, NS.TYPES, 'MoreEvents')),
      events: eventElements.map((e) => `${e.local}@${decodeWatermark(text(child(e, NS.TYPES, 'Watermark')) ?? '')}`),
      itemIds: eventElements.flatMap((e) => {
        const id = child(e, NS.TYPES, 'ItemId');
        return id === undefined ? [] : [id.attrs['Id'] ?? '?'];
      }),
    });
    await this.beforeAnswer();
    const answer = this.answers.shift() ?? this.fallback;
    if (answer === 'hang') {
      this.hanging.push(res);
      return;
    }
    if (typeof answer === 'object') {
      res.writeHead(answer.status).end('no');
      return;
    }
    res
      .writeHead(200, { 'content-type': 'text/xml; charset=utf-8' })
      .end(
        `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="${NS.SOAP}"><soap:Body>` +
          `<SendNotificationResult xmlns="${NS.MESSAGES}"><SubscriptionStatus>${answer}</SubscriptionStatus></SendNotificationResult>` +
          `</soap:Body></soap:Envelope>`,
      );
  }
}

describe('PushDispatcher on PostgreSQL', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let dataSource: DataSource;
  let journal: MailboxEventJournal;
  let subscriptions: NotificationSubscriptionRepository;
  let listener: Listener;
  let callbackUrl: string;
  const push = { allowed: { cidrs: ['127.0.0.1/32'], hosts: [] }, timeoutMs: 400, maxRetries: 2, retryBackoffMs: 1_000 };
  const notifications: EwsNotificationLimits = {
    maxSubscriptionsPerMailbox: 50,
    maxStreamingConnectionsPerUser: 10,
    maxSubscriptionsPerConnection: 200,
    streamingHeartbeatMs: 45_000,
    eventRetentionMs: 3_600_000,
    push,
  };

  const dispatcher = () =>
    new PushDispatcher(
      journal,
      subscriptions,
      new FolderIds({ idSecret: 'push-dispatcher-spec-secret-0123456789' }),
      new PushDestinationPolicy(push.allowed),
      { notifications },
      new Metrics({ service: 'test', version: '0' }),
    );

  const row = async (id: string) => subscriptions.find(id);
  /** One look of a replica, its callbacks awaited: how many subscriptions it claimed. */
  const fire = async (replica: PushDispatcher, clock?: () => number) => {
    const claimed = await replica.fireDue(10, clock);
    await replica.drained();
    return claimed;
  };

  async function subscribe(mailbox: string, overrides: { url?: string; statusFrequencyMinutes?: number } = {}): Promise<string> {
    const id = randomUUID();
    const now = new Date();
    await subscriptions.create({
      id,
      mailbox,
      kind: 'push',
      folders: ['inbox'],
      eventTypes: ['NewMail', 'Created'],
      watermark: (await journal.position(mailbox)).lastSeq,
      timeoutMinutes: null,
      statusFrequencyMinutes: overrides.statusFrequencyMinutes ?? 1,
      callbackUrl: overrides.url ?? callbackUrl,
      callerData: null,
      createdAt: now,
      expiresAt: new Date(now.getTime() + 86_400_000),
      pushDueAt: now,
    });
    return id;
  }

  /** A message arriving in the Inbox, journaled as the recorder does (the append marks the mailbox's push subscriptions due). */
  async function deliverMail(mailbox: string, folder = 'inbox'): Promise<string> {
    const itemId = `item-${randomUUID()}`;
    const event = (eventType: 'NewMail' | 'Created'): MailboxEventInput => ({
      eventType,
      itemId,
      changeKey: 'ck',
      folder,
      oldItemId: null,
      oldFolder: null,
      occurredAt: new Date(),
    });
    await dataSource.transaction((manager) => journal.append(manager, mailbox, [event('NewMail'), event('Created')]));
    return itemId;
  }

  beforeAll(async () => {
    db = await createTestDatabase('ews_push');
    dataSource = createEwsGatewayDataSource(db.url);
    await dataSource.initialize();
    await migrateServiceSchema(dataSource);
    journal = new MailboxEventJournal(dataSource);
    subscriptions = new NotificationSubscriptionRepository(dataSource);
  });

  beforeEach(async () => {
    listener = new Listener();
    callbackUrl = await listener.start();
  });

  afterEach(async () => {
    await listener.stop();
    await dataSource.query(`DELETE FROM ews_gateway.notification_subscription`);
  });

  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  it('sends the first status notification at once, then new mail, and plans the next status after StatusFrequency', async () => {
    const mailbox = 'ann@parley.test';
    await deliverMail(mailbox); // before the subscription: never sent
    const id = await subscribe(mailbox, { statusFrequencyMinutes: 3 });
    const replica = dispatcher();
    const before = Date.now();
    expect(await fire(replica)).toBe(1);
    expect(listener.received).toEqual([
      { subscriptionId: id, previousWatermark: 2, moreEvents: 'false', events: ['StatusEvent@2'], itemIds: [] },
    ]);
    const afterStatus = await row(id);
    expect(afterStatus).toMatchObject({ watermark: 2, pushFailures: 0, pushLeaseUntil: null });
    expect(afterStatus?.pushStatusDueAt?.getTime()).toBeGreaterThanOrEqual(before + 3 * 60_000);
    expect(afterStatus?.pushDueAt?.getTime()).toBe(afterStatus?.pushStatusDueAt?.getTime());
    // Nothing due now.
    expect(await fire(replica)).toBe(0);

    const itemId = await deliverMail(mailbox);
    expect(await fire(replica)).toBe(1);
    expect(listener.received[1]).toEqual({
      subscriptionId: id,
      previousWatermark: 2,
      moreEvents: 'false',
      events: ['NewMailEvent@3', 'CreatedEvent@4'],
      itemIds: [itemId, itemId],
    });
    expect(await row(id)).toMatchObject({ watermark: 4, pushLeaseUntil: null });

    // Mail in another folder marks it due but passes its filter: nothing is sent before the status time.
    await deliverMail(mailbox, 'sentitems');
    expect(await fire(replica)).toBe(1);
    expect(listener.received).toHaveLength(2);
    const idle = await row(id);
    expect(idle?.pushDueAt?.getTime()).toBe(idle?.pushStatusDueAt?.getTime());

    // At the status time, a status event with the current watermark.
    const statusTime = (idle?.pushStatusDueAt?.getTime() ?? 0) + 1;
    expect(await fire(replica, () => statusTime)).toBe(1);
    expect(listener.received[2]).toMatchObject({ previousWatermark: 4, events: ['StatusEvent@6'] });
    expect(await row(id)).toMatchObject({ watermark: 6 });
  });

  it('ends the subscription when the listener answers Unsubscribe', async () => {
    const id = await subscribe('ben@parley.test');
    listener.answers = ['Unsubscribe'];
    expect(await fire(dispatcher())).toBe(1);
    expect(listener.received).toHaveLength(1);
    expect(await row(id)).toBeNull();
    await deliverMail('ben@parley.test');
    expect(await fire(dispatcher())).toBe(0);
    expect(listener.received).toHaveLength(1);
  });

  it('retries a failing listener with a doubling backoff, then ends the subscription', async () => {
    const id = await subscribe('cy@parley.test');
    listener.answers = [{ status: 500 }, 'hang', { status: 503 }];
    const replica = dispatcher();
    let now = Date.now();
    expect(await fire(replica, () => now)).toBe(1);
    expect(await row(id)).toMatchObject({ pushFailures: 1, pushDueAt: new Date(now + 1_000), pushLeaseUntil: null });
    expect(await fire(replica, () => now + 999)).toBe(0);

    // The second attempt times out (PARLEY_EWS_PUSH_TIMEOUT_MS): failure two, twice the wait.
    now += 1_000;
    const started = Date.now();
    expect(await fire(replica, () => now)).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
    expect(await row(id)).toMatchObject({ pushFailures: 2, pushDueAt: new Date(now + 2_000) });

    // One more than PARLEY_EWS_PUSH_MAX_RETRIES: the subscription ends.
    now += 2_000;
    expect(await fire(replica, () => now)).toBe(1);
    expect(listener.received).toHaveLength(3);
    expect(await row(id)).toBeNull();
  });

  it('an answer that is not a SendNotificationResult, and a success after failures, reset as they should', async () => {
    const id = await subscribe('dee@parley.test');
    listener.answers = [{ status: 200 } as ListenerAnswer];
    const replica = dispatcher();
    const now = Date.now();
    expect(await fire(replica, () => now)).toBe(1);
    expect(await row(id)).toMatchObject({ pushFailures: 1 });
    expect(await fire(replica, () => now + 1_000)).toBe(1);
    expect(await row(id)).toMatchObject({ pushFailures: 0 });
    expect(listener.received).toHaveLength(2);
  });

  it('checks the destination again at each send: a refused one is a failed attempt and no request is made', async () => {
    const id = await subscribe('eve@parley.test', { url: 'http://169.254.169.254/latest/meta-data/' });
    const replica = dispatcher();
    expect(await fire(replica)).toBe(1);
    expect(await row(id)).toMatchObject({ pushFailures: 1 });
    const loopbackElsewhere = await subscribe('eve@parley.test', { url: 'http://127.0.0.2:9/cb' });
    expect(await fire(replica)).toBe(1);
    expect(await row(loopbackElsewhere)).toMatchObject({ pushFailures: 1 });
    expect(listener.received).toHaveLength(0);
  });

  it('two replicas firing at once send one callback; an event arriving during the send makes it due again', async () => {
    const mailbox = 'flo@parley.test';
    const id = await subscribe(mailbox);
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let arrived: () => void = () => undefined;
    const inFlight = new Promise<void>((resolve) => (arrived = resolve));
    listener.beforeAnswer = async () => {
      arrived();
      await held;
    };
    const [first, second] = [dispatcher(), dispatcher()];
    const firing = fire(first);
    await inFlight;
    // The other replica finds it leased; a new event only marks it due.
    expect(await fire(second)).toBe(0);
    await deliverMail(mailbox);
    expect(await fire(second)).toBe(0);
    release();
    expect(await firing).toBe(1);
    listener.beforeAnswer = async () => undefined;
    expect(listener.received).toHaveLength(1);
    expect(listener.received[0].events).toEqual([expect.stringMatching(/^StatusEvent@/)]);
    // Due again at once: the next look sends the event that came during the first send.
    expect(await fire(second)).toBe(1);
    expect(listener.received[1].events.map((e) => e.split('@')[0])).toEqual(['NewMailEvent', 'CreatedEvent']);
    expect(await row(id)).toMatchObject({ pushLeaseUntil: null });
  });

  it("a listener that hangs holds only its own callback, not the others'", async () => {
    const hanging = new Listener();
    hanging.fallback = 'hang';
    const slow = await subscribe('hal@parley.test', { url: await hanging.start() });
    const quick = await subscribe('ida@parley.test');
    try {
      const replica = dispatcher();
      const started = Date.now();
      expect(await replica.fireDue(10)).toBe(2);
      while (listener.received.length === 0 && Date.now() - started < 2_000) await new Promise((resolve) => setTimeout(resolve, 10));
      await new Promise((resolve) => setTimeout(resolve, 50)); // the OK's outcome is written
      expect(await row(quick)).toMatchObject({ pushLeaseUntil: null, pushFailures: 0 });
      expect(Date.now() - started).toBeLessThan(push.timeoutMs);
      expect((await row(slow))?.pushLeaseUntil).not.toBeNull();
      await replica.drained();
      expect(await row(slow)).toMatchObject({ pushLeaseUntil: null, pushFailures: 1 });
    } finally {
      await hanging.stop();
    }
  });

  it('a claim whose replica died comes due again when its lease runs out', async () => {
    const id = await subscribe('gus@parley.test');
    const now = Date.now();
    const lease = new Date(now + 60_000);
    expect(await subscriptions.claimDuePush(new Date(now), lease, 10)).toHaveLength(1);
    expect(await subscriptions.nextPushDueAt()).toEqual(lease);
    expect(await fire(dispatcher(), () => now + 1_000)).toBe(0);
    expect(await fire(dispatcher(), () => lease.getTime())).toBe(1);
    expect(listener.received).toHaveLength(1);
    expect(await row(id)).toMatchObject({ pushLeaseUntil: null, pushFailures: 0 });
  });

  it("the lease column's migration reverts and applies again", async () => {
    const hasLease = async () =>
      (
        (await dataSource.query(
          `SELECT count(*)::int AS n FROM information_schema.columns
           WHERE table_schema = 'ews_gateway' AND table_name = 'notification_subscription' AND column_name = 'push_lease_until'`,
        )) as { n: number }[]
      )[0].n === 1;
    await revertServiceSchema(dataSource, 1);
    expect(await hasLease()).toBe(false);
    expect(await migrateServiceSchema(dataSource)).toEqual(['EwsPushLease1766100000000']);
    expect(await hasLease()).toBe(true);
  });
});
