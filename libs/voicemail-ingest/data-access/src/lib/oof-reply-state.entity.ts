import type { OofSettings } from '@parley/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * voicemail-ingest's read model of a mailbox's effective OOF state, kept from calendar-sync's
 * `calendar.oof.effective-changed.v1` (the owner's tables are never read): what an arriving mail
 * needs to decide on an automatic reply.
 */
@Entity({ schema: 'voicemail_ingest', name: 'oof_reply_state' })
export class OofReplyStateEntity {
  /** Lower-cased mailbox address. */
  @PrimaryColumn({ type: 'text' })
  mailbox!: string;

  /** OOF is in effect (Enabled, or Scheduled and inside its window) as of the last event. */
  @Column({ type: 'boolean' })
  active!: boolean;

  /** The replies as EWS stores them (HTML or text). */
  @Column({ type: 'text' })
  internalReply!: string;

  @Column({ type: 'text' })
  externalReply!: string;

  @Column({ type: 'text' })
  externalAudience!: OofSettings['externalAudience'];

  /** When a Scheduled window closes (a late "off" event does not make replies go on past it). */
  @Column({ type: 'timestamptz', nullable: true })
  until!: Date | null;

  @Column({ type: 'bigint' })
  settingsRevision!: string;

  /** calendar-sync's per-mailbox sequence of the last applied event: only a higher one replaces the row. */
  @Column({ type: 'bigint' })
  sequence!: string;

  /** The sequence of the event that switched OOF on: one OOF period, one reply per sender. */
  @Column({ type: 'bigint' })
  period!: string;

  @Column({ type: 'timestamptz' })
  updatedAt!: Date;
}
