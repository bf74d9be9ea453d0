import { DataSource, LessThan, Repository } from 'typeorm';
import { NotificationSubscriptionEntity, type SubscriptionKind } from './notification-subscription.entity';

export type NewSubscription = Omit<NotificationSubscriptionEntity, 'pushFailures' | 'pushDueAt' | 'pushStatusDueAt' | 'pushLeaseUntil'> &
  Partial<Pick<NotificationSubscriptionEntity, 'pushDueAt' | 'pushStatusDueAt'>>;

/** The subscriptions, in the gateway's schema: any replica can read, advance or end one. */
export class NotificationSubscriptionRepository {
  private readonly rows: Repository<NotificationSubscriptionEntity>;

  constructor(private readonly dataSource: DataSource) {
    this.rows = dataSource.getRepository(NotificationSubscriptionEntity);
  }

  async create(subscription: NewSubscription): Promise<void> {
    await this.rows.insert({ pushFailures: 0, pushDueAt: null, pushStatusDueAt: null, pushLeaseUntil: null, ...subscription });
  }

  find(id: string): Promise<NotificationSubscriptionEntity | null> {
    return this.rows.findOneBy({ id });
  }

  findMany(ids: readonly string[]): Promise<NotificationSubscriptionEntity[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.dataSource
      .getRepository(NotificationSubscriptionEntity)
      .createQueryBuilder('s')
      .where('s.id = ANY(:ids)', { ids })
      .getMany();
  }

  async countFor(mailbox: string, kind: SubscriptionKind): Promise<number> {
    return this.rows.countBy({ mailbox, kind });
  }

  /** Ends a subscription; false when there was none. */
  async remove(id: string): Promise<boolean> {
    const result = await this.rows.delete({ id });
    return (result.affected ?? 0) > 0;
  }

  /**
   * Moves a subscription's watermark forward (never back) and its expiry; false when it is gone.
   * Concurrent callers (two replicas polling one subscription) cannot move it backwards.
   */
  async advance(id: string, watermark: number, expiresAt: Date): Promise<boolean> {
    const result = await this.dataSource.query(
      `UPDATE ews_gateway.notification_subscription SET watermark = greatest(watermark, $2), expires_at = $3 WHERE id = $1`,
      [id, watermark, expiresAt],
    );
    return (result as [unknown, number])[1] > 0;
  }

  /** Removes subscriptions past their expiry, at most `batch`; returns how many went. */
  async removeExpired(now: Date, batch: number): Promise<number> {
    // TypeORM answers a DELETE with [rows, affected].
    const [, removed] = (await this.dataSource.query(
      `DELETE FROM ews_gateway.notification_subscription WHERE id IN (
         SELECT id FROM ews_gateway.notification_subscription WHERE expires_at < $1 LIMIT $2)`,
      [now, batch],
    )) as [unknown, number];
    return removed;
  }

  /**
   * Claims up to `limit` push subscriptions due at `now` and not leased (`FOR UPDATE SKIP LOCKED`:
   * replicas claiming at once take different rows), leasing each until `leaseUntil`. Their due time
   * moves to the lease's end, so a claim lost with its replica comes due again then; an event arriving
   * meanwhile moves it back before the lease's end, which `pushDelivered` / `pushIdle` read as "due again".
   */
  async claimDuePush(now: Date, leaseUntil: Date, limit: number): Promise<NotificationSubscriptionEntity[]> {
    const [claimed] = (await this.dataSource.query(
      `UPDATE ews_gateway.notification_subscription SET push_due_at = $2, push_lease_until = $2
       WHERE id IN (
         SELECT id FROM ews_gateway.notification_subscription
         WHERE kind = 'push' AND push_due_at <= $1 AND (push_lease_until IS NULL OR push_lease_until <= $1)
         ORDER BY push_due_at LIMIT $3 FOR UPDATE SKIP LOCKED)
       RETURNING id`,
      [now, leaseUntil, limit],
    )) as [{ id: string }[], number];
    return this.findMany(claimed.map((row) => row.id));
  }

  /** When the next push subscription comes due (a leased one: not before its lease ends); null when none is. */
  async nextPushDueAt(): Promise<Date | null> {
    const [row] = (await this.dataSource.query(
      `SELECT min(greatest(push_due_at, coalesce(push_lease_until, push_due_at))) AS next
       FROM ews_gateway.notification_subscription WHERE kind = 'push' AND push_due_at IS NOT NULL`,
    )) as { next: Date | null }[];
    return row?.next ?? null;
  }

  /**
   * The client answered OK to a callback that carried events up to `watermark`: the watermark moves,
   * failures reset, the next status notification is planned at `statusDueAt`; the subscription is due
   * again at `now` when more events wait (`moreEvents`, or one arrived during the send).
   */
  async pushDelivered(id: string, delivery: { watermark: number; moreEvents: boolean; statusDueAt: Date; now: Date }): Promise<void> {
    await this.dataSource.query(
      `UPDATE ews_gateway.notification_subscription SET watermark = greatest(watermark, $2), push_failures = 0,
         push_status_due_at = $3,
         push_due_at = CASE WHEN $4 THEN $5 WHEN push_due_at < push_lease_until THEN push_due_at ELSE $3 END,
         push_lease_until = NULL
       WHERE id = $1`,
      [id, delivery.watermark, delivery.statusDueAt, delivery.moreEvents, delivery.now],
    );
  }

  /** Nothing was sent (no events for it, its status not due yet): due again at `statusDueAt`, or now if an event arrived meanwhile. */
  async pushIdle(id: string, statusDueAt: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE ews_gateway.notification_subscription
       SET push_due_at = CASE WHEN push_due_at < push_lease_until THEN push_due_at ELSE $2 END, push_lease_until = NULL
       WHERE id = $1`,
      [id, statusDueAt],
    );
  }

  /** A callback failed: one failure more, tried again at `retryAt`. */
  async pushFailed(id: string, retryAt: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE ews_gateway.notification_subscription SET push_failures = push_failures + 1, push_due_at = $2, push_lease_until = NULL
       WHERE id = $1`,
      [id, retryAt],
    );
  }

  /** Expired subscriptions still in the table are not valid: callers check this. */
  static isExpired(subscription: NotificationSubscriptionEntity, now: Date): boolean {
    return subscription.expiresAt.getTime() <= now.getTime();
  }

  /** For tests and the sweeper's metrics. */
  countExpired(now: Date): Promise<number> {
    return this.rows.countBy({ expiresAt: LessThan(now) });
  }
}
