import { z } from 'zod';
import { mailboxKey } from './envelope';

/**
 * The presence engine's token lists (MS-PRES availability ranges and activities), owned here because
 * they travel on the bus; the engine uses these, and presence-bridge checks at compile time that the
 * view schema below and the engine's `PresenceView` are the same type.
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

export const presenceChangedSchema = z
  .object({
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
     * The watchers the user blocked, each with `since`: the sequence of the publication that carried
     * the block. Every replica derives each watcher's view from this event alone, with no read of its
     * own: a blocked watcher is handed the publication at `since` (as Offline) and nothing after it, as
     * a user who really went offline publishes nothing more. Usually empty; presence-bridge allows at
     * most 1000 per user. An unblock republishes the user, so the real view reaches the watcher at once.
     */
    blockedWatchers: z.array(z.object({ watcher: mailboxKey, since: z.number().int().positive() })).max(BLOCKED_WATCHERS_HARD_LIMIT),
  })
  // A block is carried by a publication of its own, so no block can be younger than the event listing it.
  .refine((event) => event.blockedWatchers.every((b) => b.since <= event.sequence), {
    message: "a blocked watcher's since is at most the event's sequence",
    path: ['blockedWatchers'],
  });
export type PresenceChanged = z.infer<typeof presenceChangedSchema>;
export type BlockedWatcher = PresenceChanged['blockedWatchers'][number];
