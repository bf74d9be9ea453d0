import { activityTokens, availabilityTokens, type WatcherView } from '@parley/presence-bridge/presence-engine';
import { z } from 'zod';

/** An instant as ISO 8601 with an offset (the server always writes UTC, `Z`). */
export const instantSchema = z.iso.datetime({ offset: true }).meta({ id: 'Instant', description: 'ISO 8601 date-time with an offset.' });

/** Voicemail counts, as RFC 3842 message-summary carries them (`Voice-Message: new/old`). */
export const messageWaitingSchema = z.object({
  newMessages: z.number().int().nonnegative(),
  oldMessages: z.number().int().nonnegative(),
});

/**
 * One user's presence as the receiving user sees it: the presence engine's watcher view
 * (docs/presence-bridge.md). `endpoints`, `messageWaiting` and `driver` are present only in the
 * user's own view.
 */
export const presenceStateSchema = z
  .object({
    /** MS-PRES availability number; its range is what clients show (`token`). */
    availability: z.number().int(),
    token: z.enum(availabilityTokens),
    activity: z.enum(activityTokens).nullable(),
    /** The OOF message while OOF is on, otherwise the personal note. */
    note: z.object({ kind: z.enum(['personal', 'oof']), text: z.string() }).nullable(),
    oof: z.boolean(),
    /** Only while the calendar decides the state; never a meeting subject. */
    calendar: z.object({ state: z.enum(['in-a-meeting', 'out-of-office']), until: instantSchema.nullable() }).nullable(),
    /** The latest activity on any endpoint, only once none is active. */
    lastActiveAt: instantSchema.nullable(),
    driver: z.enum(['user-state', 'phone', 'calendar', 'endpoint', 'none']).optional(),
    messageWaiting: messageWaitingSchema.optional(),
    endpoints: z
      .array(z.object({ endpointId: z.string(), label: z.string(), machineState: z.enum(['active', 'inactive', 'away']) }))
      .optional(),
  })
  .meta({ id: 'PresenceState' });
export type PresenceState = z.infer<typeof presenceStateSchema>;

// The engine's view is sent as it is: a change to its shape must change the schema (and the docs) too.
type Assert<T extends true> = T;
export type WatcherViewMatchesSchema = Assert<
  WatcherView extends PresenceState ? (PresenceState extends WatcherView ? true : false) : false
>;

/** One watched user's presence with its per-user sequence number (0: never published). */
export const presenceEntrySchema = z
  .object({
    mailbox: z.string(),
    sequence: z.number().int().nonnegative(),
    presence: presenceStateSchema,
  })
  .meta({ id: 'PresenceEntry' });
export type PresenceEntry = z.infer<typeof presenceEntrySchema>;
