import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A sender a mailbox already answered in an OOF period; inserted in the delivery's transaction (the key is the claim). */
@Entity({ schema: 'voicemail_ingest', name: 'oof_reply_sent' })
export class OofReplySentEntity {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_oof_reply_sent' })
  mailbox!: string;

  @PrimaryColumn({ type: 'bigint', primaryKeyConstraintName: 'pk_oof_reply_sent' })
  period!: string;

  /** Lower-cased address the reply went to. */
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_oof_reply_sent' })
  sender!: string;

  @Column({ type: 'timestamptz' })
  sentAt!: Date;
}
