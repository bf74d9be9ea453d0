import { z } from 'zod';
import { mailboxKey } from './envelope';
import { externalAudiences, type OofSettings } from './oof';

/**
 * What calendar-sync tells presence about a mailbox as time passes: whether out-of-office is in
 * effect now, and the calendar state now. Published by calendar-sync's due-queue (and at once after a
 * write that changes "now"); never carries a meeting's subject or any other detail of an item.
 */

/** Whether settings put a mailbox out of office at `t` (ms): Enabled, or Scheduled and inside [start, end). */
export function oofActiveAt(settings: OofSettings, t: number): boolean {
  if (settings.state === 'Enabled') return true;
  if (settings.state !== 'Scheduled' || !settings.startTime || !settings.endTime) return false;
  return Date.parse(settings.startTime) <= t && t < Date.parse(settings.endTime);
}

/** The first instant after `t` at which `oofActiveAt` changes (a Scheduled window opening or closing); null: never. */
export function nextOofChangeAfter(settings: OofSettings, t: number): number | null {
  if (settings.state !== 'Scheduled' || !settings.startTime || !settings.endTime) return null;
  const start = Date.parse(settings.startTime);
  const end = Date.parse(settings.endTime);
  if (t < start) return start;
  if (t < end) return end;
  return null;
}

/** OOF switched on or off for presence (or its reply changed while on). Keyed by mailbox. */
export const oofEffectiveChangedSchema = z.object({
  mailbox: mailboxKey,
  active: z.boolean(),
  /** The replies of the settings in force (presence shows the internal one as the note). */
  internalReply: z.string(),
  externalReply: z.string(),
  externalAudience: z.enum(externalAudiences),
  /** When a Scheduled window closes; null while Enabled (open-ended) or when inactive. */
  until: z.iso.datetime({ offset: true }).nullable(),
  /** The OOF settings' revision this state derives from. */
  revision: z.number().int().nonnegative(),
  /** Per mailbox, increasing with every presence-source event calendar-sync publishes: newer beats older. */
  sequence: z.number().int().positive(),
  /** The instant the state was evaluated at. */
  effectiveAt: z.iso.datetime({ offset: true }),
});
export type OofEffectiveChanged = z.infer<typeof oofEffectiveChangedSchema>;

/** The calendar states presence distinguishes; a Free (or WorkingElsewhere) item changes nothing. */
export const calendarPresenceStates = ['free', 'tentative', 'busy', 'out-of-office'] as const;
export type CalendarPresenceState = (typeof calendarPresenceStates)[number];

/** A mailbox's calendar state changed: the merged block of meetings it is in now. Keyed by mailbox. */
export const calendarPresenceStateChangedSchema = z.object({
  mailbox: mailboxKey,
  state: z.enum(calendarPresenceStates),
  /** The end of the merged block of overlapping and back-to-back items; null when free. */
  until: z.iso.datetime({ offset: true }).nullable(),
  sequence: z.number().int().positive(),
  effectiveAt: z.iso.datetime({ offset: true }),
});
export type CalendarPresenceStateChanged = z.infer<typeof calendarPresenceStateChangedSchema>;
