import { presenceActivityTokens, presenceAvailabilityTokens } from '@parley/contracts';
/**
 * Availability numbers as Lync / Skype for Business clients read them (MS-PRES): a number whose
 * range is what the client shows. The engine publishes the canonical value of each state; any
 * number in a range means the same thing, so tokens are always derived from ranges.
 */
// The token lists travel on the bus, so the contracts own them.
export const availabilityTokens = presenceAvailabilityTokens;
export type AvailabilityToken = (typeof availabilityTokens)[number];

/** Lower bound (inclusive) of each range; each range ends where the next begins. */
const rangeStarts: readonly (readonly [number, AvailabilityToken])[] = [
  [3000, 'available'],
  [4500, 'available-idle'],
  [6000, 'busy'],
  [7500, 'busy-idle'],
  [9000, 'do-not-disturb'],
  [12000, 'be-right-back'],
  [15000, 'away'],
  [18000, 'offline'],
];

/** The canonical numbers Communicator-compatible clients publish (machine, user, calendar and phone states). */
export const Availability = {
  available: 3500,
  /** Machine state "inactive": the endpoint has been idle past the idle threshold. */
  availableIdle: 5000,
  busy: 6500,
  busyIdle: 8000,
  doNotDisturb: 9500,
  beRightBack: 12500,
  away: 15500,
  offline: 18500,
} as const;

/** Distance from a Busy value to its idle counterpart (6000–7499 → 7500–8999). */
export const BUSY_IDLE_SHIFT = 1500;

/** The range a number falls in, or null below 3000 (no defined meaning: Graph calls it PresenceUnknown). */
export function availabilityToken(availability: number): AvailabilityToken | null {
  if (!Number.isFinite(availability)) return null;
  let token: AvailabilityToken | null = null;
  for (const [start, name] of rangeStarts) if (availability >= start) token = name;
  return token;
}

export function isBusyRange(availability: number): boolean {
  return availabilityToken(availability) === 'busy';
}

/** Activity tokens that refine the displayed text (MS-PRES activity strings). */
export const activityTokens = presenceActivityTokens;
export type ActivityToken = (typeof activityTokens)[number];
