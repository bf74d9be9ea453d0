import type { MailAddress, MessageFolderKind } from '@parley/contracts';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** The voicemail facts kept with a message; the audio is named by its attachment index, not by an id. */
export interface StoredVoicemailFacts {
  source: 'exchange-um' | 'asterisk' | 'freeswitch' | 'audio-attachment' | 'http-drop';
  callerNumber: string | null;
  callerNumberOriginal: string | null;
  callerName: string | null;
  durationSeconds: number | null;
  audioAttachmentIndex: number | null;
  audioContentType: string | null;
  transcription: string | null;
}

/** One recipient's copy of a message (mail or voicemail), in one of its mailbox's message folders. */
@Entity({ schema: 'voicemail_ingest', name: 'message' })
@Index('ix_message_mailbox_folder_received', ['mailbox', 'folder', 'receivedAt', 'id'])
@Index('ix_message_mime_blob', ['mimeBlob'])
export class MessageEntity {
  /** 128 random bits; the opaque EWS id is built from it and the mailbox. */
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** Lower-cased SMTP address of the owning mailbox. */
  @Column({ type: 'text' })
  mailbox!: string;

  @Column({ type: 'text' })
  folder!: MessageFolderKind;

  @Column({ type: 'text' })
  itemClass!: string;

  @Column({ type: 'text' })
  subject!: string;

  @Column({ type: 'jsonb', nullable: true })
  fromAddress!: MailAddress | null;

  @Column({ type: 'jsonb' })
  toAddresses!: MailAddress[];

  @Column({ type: 'jsonb' })
  ccAddresses!: MailAddress[];

  @Column({ type: 'timestamptz' })
  receivedAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  sentAt!: Date | null;

  /** Octets of the original MIME; what the quota counts. bigint comes back as a string from pg. */
  @Column({ type: 'bigint', transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  size!: number;

  @Column({ type: 'boolean' })
  isRead!: boolean;

  @Column({ type: 'boolean' })
  hasAttachments!: boolean;

  @Column({ type: 'text', nullable: true })
  internetMessageId!: string | null;

  @Column({ type: 'text' })
  importance!: 'Low' | 'Normal' | 'High';

  @Column({ type: 'text', nullable: true })
  bodyType!: 'Text' | 'HTML' | null;

  @Column({ type: 'text', nullable: true })
  body!: string | null;

  @Column({ type: 'jsonb' })
  headers!: { name: string; value: string }[];

  @Column({ type: 'jsonb', nullable: true })
  voicemail!: StoredVoicemailFacts | null;

  /** The blob (SHA-256, hex) holding the original MIME; shared by every copy of one delivery. */
  @Column({ type: 'text' })
  mimeBlob!: string;

  /** Opaque, replaced on every write. */
  @Column({ type: 'text' })
  changeKey!: string;

  @Column({ type: 'timestamptz' })
  lastModifiedAt!: Date;
}
