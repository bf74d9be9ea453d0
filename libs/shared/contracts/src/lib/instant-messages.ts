import { z } from 'zod';
import { mailboxKey } from './envelope';

/**
 * Instant messages and typing notices between presence-bridge replicas. They are ephemeral: sent
 * straight to the bus (not through an outbox), read by every replica from the end, kept briefly.
 */

/** Longest IM text the schema admits; the configured limit (PARLEY_PRESENCE_IM_MAX_CHARS) is at most this. */
export const IM_TEXT_HARD_LIMIT = 65_536;

/** An IM or a typing notice for `to` (keyed by recipient); the replicas with `to`'s endpoints attached deliver it. */
export const imDeliverySchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('message'),
    messageId: z.uuid(),
    from: mailboxKey,
    to: mailboxKey,
    text: z.string().min(1).max(IM_TEXT_HARD_LIMIT),
    sentAt: z.iso.datetime({ offset: true }),
  }),
  z.object({ kind: z.literal('typing'), from: mailboxKey, to: mailboxKey, typing: z.boolean() }),
]);
export type ImDelivery = z.infer<typeof imDeliverySchema>;

/** A replica handed message `messageId` to at least one endpoint of `to` (keyed by sender). */
export const imReceiptSchema = z.object({
  messageId: z.uuid(),
  from: mailboxKey,
  to: mailboxKey,
  /** The instance id of the replica that delivered. */
  deliveredBy: z.string().min(1),
});
export type ImReceipt = z.infer<typeof imReceiptSchema>;
