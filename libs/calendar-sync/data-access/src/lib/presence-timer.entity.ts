import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * The due-queue: "re-evaluate mailbox M's effective OOF and calendar state at `dueAt`". One row per
 * mailbox with anything ahead (its next transition), so rows stay bounded by mailboxes, not items.
 */
@Entity({ schema: 'calendar_sync', name: 'presence_timer' })
@Index('ix_presence_timer_due_at', ['dueAt'])
export class PresenceTimerEntity {
  /** Lower-cased SMTP address. */
  @PrimaryColumn({ type: 'text' })
  mailbox!: string;

  @Column({ type: 'timestamptz' })
  dueAt!: Date;
}
