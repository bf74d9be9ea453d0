import { z } from 'zod';
import { mailboxKey } from './envelope';

/**
 * The presence engine's token lists as they travel on the bus. presence-bridge checks at compile
 * time that the view schema below and the engine's `PresenceView` are the same type, so the two
 * lists cannot drift apart.
 */
export const presenceAvailabilityTokens = [
  'available',
  'available-idle',
  'busy',
  'busy-idle',
  'do-not-disturb',
  'be-right-back',
  'away',
  'offline',
] as const;
export const presenceActivityTokens = [
  'in-a-meeting',
  'in-a-conference',
  'on-the-phone',
  'presenting',
  'off-work',
  'out-of-office',
] as const;

/** A user's whole aggregated presence (what the user themself sees; every replica derives each watcher's view from it). */
export const presenceViewSchema = z.object({
  availability: z.number().int().min(0),
  token: z.enum(presenceAvailabilityTokens),
  activity: z.enum(presenceActivityTokens).nullable(),
  note: z.object({ kind: z.enum(['personal', 'oof']), text: z.string() }).nullable(),
  oof: z.boolean(),
  /** Only "in a meeting" / "out of office" and the end: never a subject. */
  calendar: z.object({ state: z.enum(['in-a-meeting', 'out-of-office']), until: z.iso.datetime({ offset: true }).nullable() }).nullable(),
  lastActiveAt: z.iso.datetime({ offset: true }).nullable(),
  driver: z.enum(['user-state', 'phone', 'calendar', 'endpoint', 'none']),
  messageWaiting: z.object({ newMessages: z.number().int().min(0), oldMessages: z.number().int().min(0) }),
  endpoints: z.array(z.object({ endpointId: z.string(), label: z.string(), machineState: z.enum(['active', 'inactive', 'away']) })),
});
export type PresenceViewPayload = z.infer<typeof presenceViewSchema>;

/**
 * A user's presence changed (keyed by mailbox). The flat fields are what the first version carried
 * and stay for readers that know only them; `view` is the whole view, from which each replica
 * derives what each of its watchers may see.
 */
/** The most blocked watchers a presence event may list (presence-bridge's per-user limit is at most this). */
export const BLOCKED_WATCHERS_HARD_LIMIT = 1000;

export const presenceChangedSchema = z.object({
  mailbox: mailboxKey,
  /** Per-user sequence so watchers can discard out-of-order updates. */
  sequence: z.number().int().positive(),
  availability: z.number().int().min(0),
  activity: z.string().nullable(),
  /** The note as shown (the OOF note while OOF is on and has text, else the personal note). */
  note: z.string().nullable(),
  oof: z.boolean(),
  view: presenceViewSchema,
  /**
   * The watchers the user blocked (they get Offline): every replica derives each watcher's view from
   * this event alone, with no read of its own. Usually empty; presence-bridge allows at most
   * 1000 per user. A block or unblock republishes the user, so it reaches the watchers at once.
   */
  blockedWatchers: z.array(mailboxKey).max(BLOCKED_WATCHERS_HARD_LIMIT),
});
export type PresenceChanged = z.infer<typeof presenceChangedSchema>;
