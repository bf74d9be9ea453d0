import { z } from 'zod';
import { mailboxKey } from './envelope';

/**
 * The gateway's mailbox event journal, as every gateway replica hears of it: one entry per EWS
 * notification event, numbered by the mailbox's own sequence (`seq`), which is what an EWS watermark
 * names. ews-gateway appends the entries (from the owners' change events) and publishes each on
 * `ews.mailbox-event.appended.v1`; each replica reads that topic for the streaming connections it holds.
 */
export const mailboxEventTypes = ['NewMail', 'Created', 'Deleted', 'Modified', 'Moved', 'Copied'] as const;

export const mailboxEventAppendedSchema = z.object({
  mailbox: mailboxKey,
  seq: z.number().int().min(1),
  eventType: z.enum(mailboxEventTypes),
  itemId: z.string().max(512),
  changeKey: z.string().max(512).nullable(),
  /** The folder kind (the gateway's folder tree: `inbox`, `calendar`, `tasks`, …) the item is in; for Deleted, was in. */
  folder: z.string().max(64),
  oldItemId: z.string().max(512).nullable(),
  oldFolder: z.string().max(64).nullable(),
  occurredAt: z.iso.datetime({ offset: true }),
});
export type MailboxEventAppended = z.infer<typeof mailboxEventAppendedSchema>;
