import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A live presence-bridge replica: it renews `expires_at`; once that has passed, any replica removes its endpoints. */
@Entity({ schema: 'presence_bridge', name: 'replica_lease' })
@Index('replica_lease_expires_at_idx', ['expiresAt'])
export class ReplicaLeaseEntity {
  @PrimaryColumn({ type: 'text' })
  instanceId!: string;

  @Column({ type: 'timestamptz' })
  startedAt!: Date;

  @Column({ type: 'timestamptz' })
  expiresAt!: Date;
}
