import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Ids of messages a consumer has applied; the primary key is what makes redelivery harmless. */
@Entity({ name: 'processed_message' })
export class ProcessedMessageEntity {
  @PrimaryColumn({ type: 'text' })
  consumer!: string;

  @PrimaryColumn({ type: 'uuid' })
  messageId!: string;

  @Column({ type: 'text' })
  topic!: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  processedAt!: Date;
}
