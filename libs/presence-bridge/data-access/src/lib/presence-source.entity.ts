import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * What other services last announced about a mailbox: calendar-sync's effective OOF state and calendar
 * state, each with its sequence, and voicemail-ingest's voicemail counts with their revision.
 */
@Entity({ schema: 'presence_bridge', name: 'presence_source' })
export class PresenceSourceEntity {
  @PrimaryColumn({ type: 'text' })
  mailbox!: string;

  @Column({ type: 'boolean', default: false })
  oofActive!: boolean;

  /** The internal reply while OOF is on. */
  @Column({ type: 'text', nullable: true })
  oofMessage!: string | null;

  /** calendar-sync's sequence of the OOF event applied (0: none); an event not newer is ignored. */
  @Column({ type: 'bigint', default: 0 })
  oofSequence!: string;

  @Column({ type: 'text', default: 'free' })
  calendarState!: string;

  @Column({ type: 'timestamptz', nullable: true })
  calendarUntil!: Date | null;

  @Column({ type: 'bigint', default: 0 })
  calendarSequence!: string;

  /** Unread voicemail (RFC 3842 "new"). */
  @Column({ type: 'integer', default: 0 })
  newMessages!: number;

  /** Read voicemail still in the mailbox (RFC 3842 "old"). */
  @Column({ type: 'integer', default: 0 })
  oldMessages!: number;

  /** voicemail-ingest's revision of the counts applied (0: none); a revision not newer is ignored. */
  @Column({ type: 'bigint', default: 0 })
  messageWaitingRevision!: string;

  @Column({ type: 'timestamptz' })
  updatedAt!: Date;
}
