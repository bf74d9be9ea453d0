import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { WeekDay } from '@parley/contracts';

/**
 * A mailbox's working hours, owned by calendar-sync. The hours columns are all set or all null:
 * null once the hours were reset, so the default applies again while the revision keeps counting.
 */
@Entity({ schema: 'calendar_sync', name: 'working_hours' })
export class WorkingHoursEntity {
  /** Lower-cased SMTP address. */
  @PrimaryColumn({ type: 'text' })
  mailbox!: string;

  /** Canonical Windows time zone id. */
  @Column({ type: 'text', nullable: true })
  timeZone!: string | null;

  /** Sunday first, each day once. */
  @Column({ type: 'text', array: true, nullable: true })
  days!: WeekDay[] | null;

  /** Minutes after local midnight (EWS StartTimeInMinutes). */
  @Column({ type: 'smallint', nullable: true })
  startMinutes!: number | null;

  /** Minutes after local midnight, up to 1440 (EWS EndTimeInMinutes). */
  @Column({ type: 'smallint', nullable: true })
  endMinutes!: number | null;

  /** Bumped on every change, resets included. */
  @Column({ type: 'integer' })
  revision!: number;

  @Column({ type: 'timestamptz' })
  updatedAt!: Date;
}
