import type { CalendarPresenceState, LegacyFreeBusyStatus } from '@parley/contracts';

/** An item's time that shows in presence: a Busy, Tentative or OOF instance ([start, end) in ms). */
export interface PresenceInterval {
  start: number;
  end: number;
  state: Exclude<CalendarPresenceState, 'free'>;
}

export interface CalendarStateAt {
  state: CalendarPresenceState;
  /** The end of the merged block the instant lies in; null when free. */
  until: number | null;
}

/** Which presence state a free/busy status shows; Free, WorkingElsewhere and NoData change nothing. */
export function presenceStateOf(status: LegacyFreeBusyStatus): CalendarPresenceState {
  switch (status) {
    case 'Busy':
      return 'busy';
    case 'Tentative':
      return 'tentative';
    case 'OOF':
      return 'out-of-office';
    case 'Free':
    case 'WorkingElsewhere':
    case 'NoData':
      return 'free';
  }
}

/** Where several items overlap, the strongest shows: out of office beats busy beats tentative. */
const RANK: Readonly<Record<CalendarPresenceState, number>> = { free: 0, tentative: 1, busy: 2, 'out-of-office': 3 };

/**
 * The calendar state at `t`: the strongest state among the intervals covering `t`, until the end of
 * the block that overlapping and back-to-back intervals form around `t` (one meeting after another
 * is one stretch "in a meeting", not a flicker to free in between).
 */
export function calendarStateAt(intervals: readonly PresenceInterval[], t: number): CalendarStateAt {
  const covering = intervals.filter((i) => i.start <= t && t < i.end);
  if (covering.length === 0) return { state: 'free', until: null };
  const state = covering.reduce<CalendarPresenceState>((best, i) => (RANK[i.state] > RANK[best] ? i.state : best), 'free');
  let until = Math.max(...covering.map((i) => i.end));
  for (const i of [...intervals].sort((a, b) => a.start - b.start)) if (i.start <= until && i.end > until) until = i.end;
  return { state, until };
}

/**
 * The first instant after `t` at which the state may change: the nearest start or end of an
 * interval. Evaluating there and publishing only a difference makes extra boundaries harmless.
 */
export function nextBoundaryAfter(intervals: readonly PresenceInterval[], t: number): number | null {
  let next: number | null = null;
  for (const i of intervals) {
    for (const b of [i.start, i.end]) if (b > t && (next === null || b < next)) next = b;
  }
  return next;
}
