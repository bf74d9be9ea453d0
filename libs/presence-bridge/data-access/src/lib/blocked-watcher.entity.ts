import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/** A watcher the owner blocked: they see the owner as Offline. */
@Entity({ schema: 'presence_bridge', name: 'blocked_watcher' })
@Check('blocked_watcher_since_check', 'since > 0')
export class BlockedWatcherEntity {
  @PrimaryColumn({ type: 'text' })
  owner!: string;

  @PrimaryColumn({ type: 'text' })
  watcher!: string;

  @Column({ type: 'timestamptz' })
  blockedAt!: Date;

  /**
   * The sequence of the owner's publication that carried the block: the watcher is shown Offline
   * under it and handed none of the owner's later publications (a block cannot be told from going offline).
   */
  @Column({ type: 'bigint' })
  since!: string;
}
