import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A pending (or recently sent) message, written in the same transaction as the state change it
 * announces. No schema here on purpose: each service's DataSource puts it in that service's schema.
 */
@Entity({ name: 'outbox_message' })
@Index('outbox_message_pending_idx', ['seq'], { where: 'published_at IS NULL' })
export class OutboxMessageEntity {
  /** Commit order within the service; the relay publishes in this order so per-key order holds. */
  @PrimaryColumn({ type: 'bigint', generated: 'increment' })
  seq!: string;

  @Column({ type: 'uuid', unique: true })
  messageId!: string;

  @Column({ type: 'text' })
  topic!: string;

  @Column({ type: 'text', name: 'message_key' })
  key!: string;

  @Column({ type: 'jsonb' })
  envelope!: Record<string, unknown>;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  publishedAt!: Date | null;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ type: 'text', nullable: true })
  lastError!: string | null;
}
