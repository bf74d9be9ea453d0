import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A mailbox's running totals, created with its first message. Every write to the mailbox's
 * messages locks this row first, so writes of one mailbox serialize and their events leave the
 * outbox in commit order.
 */
@Entity({ schema: 'voicemail_ingest', name: 'mailbox_state' })
export class MailboxStateEntity {
  @PrimaryColumn({ type: 'text' })
  mailbox!: string;

  /** Octets of all the mailbox's messages (their MIME sizes): what the quota compares. */
  @Column({ type: 'bigint', transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  usedBytes!: number;

  /** The message-waiting counts last published: unread and read voicemail in the voicemail view. */
  @Column({ type: 'integer' })
  waitingNew!: number;

  @Column({ type: 'integer' })
  waitingOld!: number;

  /** Revision of the last `mailbox.message-waiting.changed` (0: none yet). */
  @Column({ type: 'integer' })
  waitingRevision!: number;

  @Column({ type: 'timestamptz', nullable: true })
  lastModifiedAt!: Date | null;
}
