import type { PresenceView } from '@parley/presence-bridge/presence-engine';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The aggregated presence of one user, as watchers see it. */
@Entity({ schema: 'presence_bridge', name: 'user_presence' })
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

  @Column({ type: 'text', nullable: true })
  note!: string | null;

  @Column({ type: 'boolean' })
  oof!: boolean;

  @Column({ type: 'text', nullable: true })
  oofNote!: string | null;

  /** The newest OOF revision applied; older ones arriving late are ignored. */
  @Column({ type: 'integer' })
  oofRevision!: number;

  /** The engine's view as last published (null for rows from before the engine). */
  @Column({ type: 'jsonb', nullable: true })
  published!: PresenceView | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
