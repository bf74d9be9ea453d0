import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { CalendarItemPatch } from '@parley/contracts';

/** One occurrence of a series that was deleted or modified, keyed by its original start. */
@Entity({ schema: 'calendar_sync', name: 'calendar_item_exception' })
export class CalendarItemExceptionEntity {
  @PrimaryColumn({ type: 'uuid' })
  itemId!: string;

  @PrimaryColumn({ type: 'timestamptz' })
  originalStart!: Date;

  @Column({ type: 'text' })
  kind!: 'deleted' | 'modified';

  /** The modified occurrence's own start and end (null when deleted). */
  @Column({ type: 'timestamptz', nullable: true })
  startTime!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  endTime!: Date | null;

  /** Fields that differ from the series (subject, body, location, …). */
  @Column({ type: 'jsonb' })
  overrides!: Pick<CalendarItemPatch, 'subject' | 'body' | 'location' | 'isAllDay' | 'legacyFreeBusyStatus' | 'sensitivity'>;
}
