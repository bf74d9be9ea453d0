import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { Attendee, LegacyFreeBusyStatus, Recurrence, ResponseType } from '@parley/contracts';

/** A single calendar item or a recurring series' master, owned by calendar-sync. */
@Entity({ schema: 'calendar_sync', name: 'calendar_item' })
@Index('ix_calendar_item_mailbox_range', ['mailbox', 'rangeStart'])
@Index('ix_calendar_item_mailbox_deleted', ['mailbox', 'deletedAt', 'id'], { where: 'deleted_at IS NOT NULL' })
@Index('ix_calendar_item_meeting_uid', ['meetingUid', 'mailbox'], { where: 'meeting_uid IS NOT NULL' })
export class CalendarItemEntity {
  /** 128 random bits; the opaque EWS id is built from it and the mailbox. */
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** Lower-cased SMTP address of the owning mailbox. */
  @Column({ type: 'text' })
  mailbox!: string;

  @Column({ type: 'text' })
  subject!: string;

  @Column({ type: 'text', nullable: true })
  bodyType!: 'Text' | 'HTML' | null;

  @Column({ type: 'text', nullable: true })
  body!: string | null;

  @Column({ type: 'text', nullable: true })
  location!: string | null;

  @Column({ type: 'timestamptz' })
  startTime!: Date;

  @Column({ type: 'timestamptz' })
  endTime!: Date;

  @Column({ type: 'boolean' })
  isAllDay!: boolean;

  @Column({ type: 'text' })
  legacyFreeBusyStatus!: LegacyFreeBusyStatus;

  @Column({ type: 'text' })
  sensitivity!: 'Normal' | 'Personal' | 'Private' | 'Confidential';

  @Column({ type: 'jsonb' })
  organizer!: Attendee;

  @Column({ type: 'jsonb' })
  requiredAttendees!: Attendee[];

  @Column({ type: 'jsonb' })
  optionalAttendees!: Attendee[];

  /** Windows time zone ids, as EWS carries them. */
  @Column({ type: 'text' })
  startTimeZone!: string;

  @Column({ type: 'text' })
  endTimeZone!: string;

  /** The EWS recurrence (pattern + range) of a series; null for a single item. */
  @Column({ type: 'jsonb', nullable: true })
  recurrence!: Recurrence | null;

  /**
   * The span the item can occupy: a single item's start/end; for a series, its first start
   * (or an earlier moved occurrence) to its last end, null when the series has no end. Calendar
   * views and free/busy select candidates by it before expanding.
   */
  @Column({ type: 'timestamptz' })
  rangeStart!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  rangeEnd!: Date | null;

  /** Opaque, replaced on every write. */
  @Column({ type: 'text' })
  changeKey!: string;

  @Column({ type: 'integer' })
  revision!: number;

  @Column({ type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'timestamptz' })
  lastModifiedAt!: Date;

  /** When DeleteItem moved it to Deleted Items; null while it is in its own folder. */
  @Column({ type: 'timestamptz', nullable: true })
  deletedAt!: Date | null;

  /** Links an organizer's meeting to every attendee's copy of it (EWS `UID`); null on items from before meetings. */
  @Column({ type: 'text', nullable: true })
  meetingUid!: string | null;

  /** An attendee's copy whose meeting the organizer cancelled (or took the attendee off). */
  @Column({ type: 'boolean', default: false })
  isCancelled!: boolean;

  /** The mailbox's own answer on an attendee copy; null: derived from the attendee lists. */
  @Column({ type: 'text', nullable: true })
  myResponseType!: ResponseType | null;
}
