import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** An attachment of a message, in MIME order; its bytes are a blob shared by every attachment with the same content. */
@Entity({ schema: 'voicemail_ingest', name: 'message_attachment' })
@Index('ix_message_attachment_content_blob', ['contentBlob'])
export class MessageAttachmentEntity {
  @PrimaryColumn({ type: 'uuid' })
  messageId!: string;

  /** Position among the message's attachments (the attachment id carries it). */
  @PrimaryColumn({ type: 'smallint' })
  index!: number;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  contentType!: string;

  @Column({ type: 'bigint', transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  size!: number;

  @Column({ type: 'boolean' })
  isInline!: boolean;

  @Column({ type: 'text', nullable: true })
  contentId!: string | null;

  /** SHA-256 (hex) of the bytes: the blob's key. */
  @Column({ type: 'text' })
  contentBlob!: string;
}
