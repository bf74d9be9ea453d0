import { DataSource, LessThan, Repository } from 'typeorm';
import { NotificationSubscriptionEntity, type SubscriptionKind } from './notification-subscription.entity';

export type NewSubscription = Omit<NotificationSubscriptionEntity, 'pushFailures' | 'pushDueAt' | 'pushStatusDueAt'> &
  Partial<Pick<NotificationSubscriptionEntity, 'pushDueAt' | 'pushStatusDueAt'>>;

/** The subscriptions, in the gateway's schema: any replica can read, advance or end one. */
export class NotificationSubscriptionRepository {
  private readonly rows: Repository<NotificationSubscriptionEntity>;

  constructor(private readonly dataSource: DataSource) {
    this.rows = dataSource.getRepository(NotificationSubscriptionEntity);
  }

  async create(subscription: NewSubscription): Promise<void> {
    await this.rows.insert({ pushFailures: 0, pushDueAt: null, pushStatusDueAt: null, ...subscription });
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
    const rows = (await this.dataSource.query(
      `DELETE FROM ews_gateway.notification_subscription WHERE id IN (
         SELECT id FROM ews_gateway.notification_subscription WHERE expires_at < $1 LIMIT $2) RETURNING id`,
      [now, batch],
    )) as unknown[];
    return rows.length;
  }

  /** Push subscriptions on `mailbox` (the dispatcher marks them due when an event arrives). */
  async markPushDue(mailbox: string, at: Date): Promise<number> {
    const result = await this.dataSource.query(
      `UPDATE ews_gateway.notification_subscription SET push_due_at = least(coalesce(push_due_at, $2), $2)
       WHERE mailbox = $1 AND kind = 'push'`,
      [mailbox, at],
    );
    return (result as [unknown, number])[1];
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
