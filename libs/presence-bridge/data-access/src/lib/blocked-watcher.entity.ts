import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A watcher the owner blocked: they see the owner as Offline. */
@Entity({ schema: 'presence_bridge', name: 'blocked_watcher' })
export class BlockedWatcherEntity {
  @PrimaryColumn({ type: 'text' })
  owner!: string;

  @PrimaryColumn({ type: 'text' })
  watcher!: string;

  @Column({ type: 'timestamptz' })
  blockedAt!: Date;
}
