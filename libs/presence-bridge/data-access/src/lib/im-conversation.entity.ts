import { Column, Entity, Index, PrimaryColumn, Unique } from 'typeorm';

/** An IM conversation in progress between two users (`firstParty` < `secondParty`); it ends at `endsAt` unless another IM comes. */
@Entity({ schema: 'presence_bridge', name: 'im_conversation' })
@Unique('im_conversation_pair_key', ['firstParty', 'secondParty'])
@Index('im_conversation_ends_at_idx', ['endsAt'])
export class ImConversationEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  firstParty!: string;

  @Column({ type: 'text' })
  secondParty!: string;

  @Column({ type: 'timestamptz' })
  startedAt!: Date;

  @Column({ type: 'timestamptz' })
  lastMessageAt!: Date;

  @Column({ type: 'timestamptz' })
  endsAt!: Date;

  /** Every IM of the conversation, kept or past the limits. */
  @Column({ type: 'integer' })
  messageCount!: number;

  @Column({ type: 'integer', default: 0 })
  keptMessages!: number;

  @Column({ type: 'integer', default: 0 })
  keptCharacters!: number;
}
