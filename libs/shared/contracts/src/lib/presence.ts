import { z } from 'zod';
import { mailboxKey } from './envelope';

export const presenceChangedSchema = z.object({
  mailbox: mailboxKey,
  /** Per-user sequence so watchers can discard out-of-order updates. */
  sequence: z.number().int().positive(),
  availability: z.number().int().min(0),
  activity: z.string().nullable(),
  note: z.string().nullable(),
  oof: z.boolean(),
});
export type PresenceChanged = z.infer<typeof presenceChangedSchema>;
