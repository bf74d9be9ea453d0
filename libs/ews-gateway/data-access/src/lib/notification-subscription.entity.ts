import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { MailboxEventType } from './mailbox-event.entity';

export const subscriptionKinds = ['pull', 'push', 'streaming'] as const;
export type SubscriptionKind = (typeof subscriptionKinds)[number];

const bigintNumber = { to: (v: number) => v, from: (v: string) => Number(v) };

/** An EWS notification subscription, shared by every gateway replica. */
@Entity({ schema: 'ews_gateway', name: 'notification_subscription' })
export class NotificationSubscriptionEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** The subscribed mailbox (lower-cased). Only callers that may act as it may use the subscription. */
  @Column({ type: 'text' })
  mailbox!: string;

  @Column({ type: 'text' })
  kind!: SubscriptionKind;

  /** The folder kinds watched; null for SubscribeToAllFolders. */
  @Column({ type: 'text', array: true, nullable: true })
  folders!: string[] | null;

  @Column({ type: 'text', array: true })
  eventTypes!: MailboxEventType[];

  /** The last journal sequence the client has seen (pull: acknowledged by GetEvents; push: answered OK). */
  @Column({ type: 'bigint', transformer: bigintNumber })
  watermark!: number;

  @Column({ type: 'integer', nullable: true })
  timeoutMinutes!: number | null;

  @Column({ type: 'integer', nullable: true })
  statusFrequencyMinutes!: number | null;

  @Column({ type: 'text', nullable: true })
  callbackUrl!: string | null;

  @Column({ type: 'text', nullable: true })
  callerData!: string | null;

  @Column({ type: 'timestamptz' })
  createdAt!: Date;

  /** Pull: the last GetEvents plus the timeout; streaming: the last connection's end plus 30 min; push: far ahead. */
  @Column({ type: 'timestamptz' })
  expiresAt!: Date;

  /** Push: when the dispatcher should next call back (events waiting, or a retry); null when nothing is due. */
  @Column({ type: 'timestamptz', nullable: true })
  pushDueAt!: Date | null;

  @Column({ type: 'integer' })
  pushFailures!: number;

  /** Push: when a status notification is due if no events went out before. */
  @Column({ type: 'timestamptz', nullable: true })
  pushStatusDueAt!: Date | null;

  /** Push: the replica that claimed it holds it until then (its callback in flight); null when unclaimed. */
  @Column({ type: 'timestamptz', nullable: true })
  pushLeaseUntil!: Date | null;
}
