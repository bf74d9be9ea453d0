import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A connected client of a user (a WebSocket connection, a SIP registration), held by one replica. */
@Entity({ schema: 'presence_bridge', name: 'endpoint' })
@Index('endpoint_mailbox_idx', ['mailbox'])
@Index('endpoint_instance_id_idx', ['instanceId'])
export class EndpointEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  mailbox!: string;

  /** The replica the client is connected to; its endpoints go when its lease expires. */
  @Column({ type: 'text' })
  instanceId!: string;

  @Column({ type: 'text' })
  label!: string;

  @Column({ type: 'timestamptz' })
  connectedAt!: Date;

  /**
   * The activity the machine state is computed from. It may lag the client's latest report while
   * that changes nothing visible (see EndpointRegistry), never past the next idle threshold.
   */
  @Column({ type: 'timestamptz' })
  lastActivityAt!: Date;
}
