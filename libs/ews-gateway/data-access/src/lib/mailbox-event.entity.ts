import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The EWS notification event types (types.xsd `NotificationEventTypeType`, without the `Event` suffix). */
export const mailboxEventTypes = ['NewMail', 'Created', 'Deleted', 'Modified', 'Moved', 'Copied'] as const;
export type MailboxEventType = (typeof mailboxEventTypes)[number];

/** One entry of a mailbox's event journal, numbered by the mailbox's own sequence. */
@Entity({ schema: 'ews_gateway', name: 'mailbox_event' })
export class MailboxEventEntity {
  @PrimaryColumn({ type: 'text' })
  mailbox!: string;

  @PrimaryColumn({ type: 'bigint', transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  seq!: number;

  @Column({ type: 'text' })
  eventType!: MailboxEventType;

  @Column({ type: 'text' })
  itemId!: string;

  @Column({ type: 'text', nullable: true })
  changeKey!: string | null;

  /** The folder kind the item is in (for Deleted: was in), as the gateway's folder tree names it. */
  @Column({ type: 'text' })
  folder!: string;

  @Column({ type: 'text', nullable: true })
  oldItemId!: string | null;

  @Column({ type: 'text', nullable: true })
  oldFolder!: string | null;

  @Column({ type: 'timestamptz' })
  occurredAt!: Date;
}

/** A mailbox's journal position: the last sequence taken, and how far retention has removed entries. */
@Entity({ schema: 'ews_gateway', name: 'mailbox_event_counter' })
export class MailboxEventCounterEntity {
  @PrimaryColumn({ type: 'text' })
  mailbox!: string;

  @Column({ type: 'bigint', transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  lastSeq!: number;

  @Column({ type: 'bigint', transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  purgedThrough!: number;
}
