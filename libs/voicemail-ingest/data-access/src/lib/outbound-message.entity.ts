import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A message in the outbound queue: what goes out (the MIME blob), from whom, and when to try next. */
@Entity({ schema: 'voicemail_ingest', name: 'outbound_message' })
@Index('ix_outbound_message_due', ['nextAttemptAt'], { where: 'next_attempt_at IS NOT NULL' })
@Index('ix_outbound_message_mime_blob', ['mimeBlob'])
export class OutboundMessageEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** MAIL FROM; null: the null reverse-path `<>` (a delivery status notification: never answered by another). */
  @Column({ type: 'text', nullable: true })
  envelopeFrom!: string | null;

  /** SHA-256 of the MIME in the store's blob store (shared with any mailbox copy of the same bytes). */
  @Column({ type: 'text' })
  mimeBlob!: string;

  @Column({ type: 'integer' })
  size!: number;

  /** The mailbox that sent it (SMTP AUTH, EWS), null for mail Parley makes itself. */
  @Column({ type: 'text', nullable: true })
  submittedBy!: string | null;

  @Column({ type: 'timestamptz' })
  queuedAt!: Date;

  /** The end of the retry window: a recipient still deferred then fails (and is bounced). */
  @Column({ type: 'timestamptz' })
  expiresAt!: Date;

  /** Attempts claimed so far; also the fencing token of the current claim. */
  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  /** When a poller may claim it next (also the end of a claim's lease); null: every recipient is final. */
  @Column({ type: 'timestamptz', nullable: true })
  nextAttemptAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  lastAttemptAt!: Date | null;
}
