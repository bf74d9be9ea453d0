import type { PresenceView } from '@parley/presence-bridge/presence-engine';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * The aggregated presence of one user as last published, and when time alone changes it next. The
 * row is also the user's lock: every writer of one of the user's presence sources locks it first.
 */
@Entity({ schema: 'presence_bridge', name: 'user_presence' })
@Index('user_presence_reevaluate_at_idx', ['reevaluateAt'], { where: 'reevaluate_at IS NOT NULL' })
export class UserPresenceEntity {
  @PrimaryColumn({ type: 'text' })
  mailbox!: string;

  /** Incremented on every published change, so watchers can drop out-of-order updates. */
  @Column({ type: 'bigint' })
  sequence!: string;

  @Column({ type: 'integer' })
  availability!: number;

  @Column({ type: 'text', nullable: true })
  activity!: string | null;

  /** The note as shown (OOF note preferred). */
  @Column({ type: 'text', nullable: true })
  note!: string | null;

  @Column({ type: 'boolean' })
  oof!: boolean;

  /** The engine's view as last published (null for rows from before the engine). */
  @Column({ type: 'jsonb', nullable: true })
  published!: PresenceView | null;

  /** The next instant at which time alone can change the view (null: none); the re-evaluation poller claims due rows. */
  @Column({ type: 'timestamptz', nullable: true })
  reevaluateAt!: Date | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
