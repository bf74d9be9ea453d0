import { Column, Entity, PrimaryColumn } from 'typeorm';

export type OutboundRecipientState = 'pending' | 'sent' | 'failed';

/** One recipient of a queued message, with its own outcome (a 5xx for one is final for it alone). */
@Entity({ schema: 'voicemail_ingest', name: 'outbound_recipient' })
export class OutboundRecipientEntity {
  @PrimaryColumn({ type: 'uuid' })
  messageId!: string;

  /** Lower-cased address, as given to `enqueue`. */
  @PrimaryColumn({ type: 'text' })
  address!: string;

  @Column({ type: 'text' })
  state!: OutboundRecipientState;

  /** The last reply about it (the smarthost's, or why no attempt could be made): the DSN's diagnostic. */
  @Column({ type: 'text', nullable: true })
  lastReply!: string | null;

  @Column({ type: 'timestamptz' })
  updatedAt!: Date;
}
