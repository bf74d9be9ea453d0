import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One IM kept in a conversation, in the order the conversation received them. */
@Entity({ schema: 'presence_bridge', name: 'im_conversation_message' })
export class ImConversationMessageEntity {
  @PrimaryColumn({ type: 'uuid' })
  conversationId!: string;

  @PrimaryColumn({ type: 'integer' })
  position!: number;

  @Column({ type: 'text' })
  sender!: string;

  @Column({ type: 'text' })
  recipient!: string;

  @Column({ type: 'timestamptz' })
  sentAt!: Date;

  @Column({ type: 'text' })
  text!: string;

  /** False: no client of the recipient took it (missed). */
  @Column({ type: 'boolean' })
  delivered!: boolean;
}
