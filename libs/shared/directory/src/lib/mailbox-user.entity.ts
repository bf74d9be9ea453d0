import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const Roles = {
  /** May act as other users through EWS ExchangeImpersonation (optionally within a scope). */
  applicationImpersonation: 'ApplicationImpersonation',
  /** May manage the directory through the admin CLI. */
  admin: 'Admin',
} as const;
export type Role = (typeof Roles)[keyof typeof Roles];

@Entity({ schema: 'directory', name: 'mailbox_user' })
@Index('mailbox_user_smtp_address_key', ['smtpAddress'], { unique: true })
@Index('mailbox_user_sip_address_key', ['sipAddress'], { unique: true })
export class MailboxUserEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** Always lower-case: it is also the bus key of everything about this mailbox. */
  @Column({ type: 'text' })
  smtpAddress!: string;

  @Column({ type: 'text' })
  displayName!: string;

  @Column({ type: 'text', nullable: true })
  sipUri!: string | null;

  /**
   * The key the SIP front finds this user by: `sipAddressOf(sipUri)` (docs/sip.md, "Identities"). NULL only for rows
   * written around the repository; they are found by their SMTP address then, as `sip:<smtp address>`.
   */
  @Column({ type: 'text', nullable: true })
  sipAddress!: string | null;

  @Column({ type: 'text', nullable: true })
  phoneExtension!: string | null;

  @Column({ type: 'text', nullable: true })
  passwordHash!: string | null;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  roles!: string[];

  /** Mailboxes an impersonating application may act as; null means every mailbox. */
  @Column({ type: 'text', array: true, nullable: true })
  impersonationScope!: string[] | null;

  @Column({ type: 'boolean', default: false })
  disabled!: boolean;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
