import type { LegacyFreeBusyStatus } from '@parley/contracts';

/**
 * Digits of the EWS merged free/busy stream: 0 Free, 1 Tentative, 2 Busy, 3 OOF, 4 NoData; an
 * interval holding several statuses takes the highest digit. WorkingElsewhere (Exchange 2013+)
 * has no digit of its own in that stream; the person is available, so it counts as Free there
 * (CalendarEvent.BusyType still says WorkingElsewhere).
 */
export const mergedFreeBusyDigit: Readonly<Record<LegacyFreeBusyStatus, number>> = {
  Free: 0,
  WorkingElsewhere: 0,
  Tentative: 1,
  Busy: 2,
  OOF: 3,
  NoData: 4,
};

export interface BusyInterval {
  start: number;
  end: number;
  status: LegacyFreeBusyStatus;
}

/** Most intervals one merged stream may have (a 42-day window at 5 minutes is 12 096). */
export const MAX_MERGED_INTERVALS = 50_000;

export function mergedIntervalCount(windowStart: number, windowEnd: number, intervalMinutes: number): number {
  return Math.ceil((windowEnd - windowStart) / (intervalMinutes * 60_000));
}

/**
 * The merged free/busy stream for [windowStart, windowEnd) in slots of `intervalMinutes` from
 * windowStart (the last slot may be partial). A slot is marked by every interval that overlaps it
 * for any time at all; back-to-back items do not spill into their neighbour's slot.
 */
export function mergeFreeBusy(intervals: readonly BusyInterval[], windowStart: number, windowEnd: number, intervalMinutes: number): string {
  const slotMs = intervalMinutes * 60_000;
  const count = mergedIntervalCount(windowStart, windowEnd, intervalMinutes);
  const slots = new Uint8Array(count);
  for (const interval of intervals) {
    const digit = mergedFreeBusyDigit[interval.status];
    const start = Math.max(interval.start, windowStart);
    const end = Math.min(interval.end, windowEnd);
    if (digit === 0 || end <= start) continue;
    const first = Math.floor((start - windowStart) / slotMs);
    const last = Math.ceil((end - windowStart) / slotMs) - 1;
    for (let slot = first; slot <= last && slot < count; slot++) if (slots[slot] < digit) slots[slot] = digit;
  }
  return Array.from(slots, String).join('');
}
