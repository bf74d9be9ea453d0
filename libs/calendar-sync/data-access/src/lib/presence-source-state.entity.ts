import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { CalendarPresenceState } from '@parley/contracts';

/** What calendar-sync last told presence about a mailbox, so a re-evaluation publishes only a change. */
@Entity({ schema: 'calendar_sync', name: 'presence_source_state' })
export class PresenceSourceStateEntity {
  /** Lower-cased SMTP address. */
  @PrimaryColumn({ type: 'text' })
  mailbox!: string;

  @Column({ type: 'boolean' })
  oofActive!: boolean;

  /** The OOF settings' revision of the last OOF event (a new reply while on is announced too). */
  @Column({ type: 'integer' })
  oofRevision!: number;

  @Column({ type: 'text' })
  calendarState!: CalendarPresenceState;

  @Column({ type: 'timestamptz', nullable: true })
  calendarUntil!: Date | null;

  /** The last sequence number published for the mailbox (either topic). */
  @Column({ type: 'bigint', transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  sequence!: number;

  @Column({ type: 'timestamptz' })
  updatedAt!: Date;
}
