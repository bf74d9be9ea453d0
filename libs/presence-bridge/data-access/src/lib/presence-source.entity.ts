import { Column, Entity, PrimaryColumn } from 'typeorm';

/** What calendar-sync last announced about a mailbox: the effective OOF state and the calendar state, each with its sequence. */
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

  @Column({ type: 'timestamptz' })
  updatedAt!: Date;
}
