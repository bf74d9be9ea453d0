/**
 * Wall-clock ↔ instant arithmetic on IANA zones with nothing but `Intl` (the ICU data Node ships).
 * Local date-times are plain numbers: "local ms" = the wall clock read as if it were UTC.
 */

const MINUTE = 60_000;
export const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** Whether `zone` is an IANA zone this runtime knows. */
export function isKnownIanaZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** The zone's offset from UTC at `utcMs`, in ms (east positive: Berlin in summer → +7 200 000). */
export function zoneOffsetMs(zone: string, utcMs: number): number {
  const whole = Math.floor(utcMs / 1000) * 1000;
  const parts = formatter(zone).formatToParts(new Date(whole));
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  const local = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return local - whole;
}

/** The wall clock in `zone` at `utcMs`, as local ms. */
export function utcToLocal(zone: string, utcMs: number): number {
  return utcMs + zoneOffsetMs(zone, utcMs);
}

/**
 * The instant a wall-clock time in `zone` denotes. An ambiguous time (the repeated hour when
 * clocks go back) takes its first occurrence; a time that does not exist (the skipped hour when
 * clocks go forward) is pushed forward by the gap, as RFC 5545 and Outlook do (02:30 → 03:30).
 */
export function localToUtc(zone: string, localMs: number): number {
  const before = zoneOffsetMs(zone, localMs - DAY_MS / 2);
  const after = zoneOffsetMs(zone, localMs + DAY_MS / 2);
  const candidates = [localMs - before, localMs - after].filter((utc) => utcToLocal(zone, utc) === localMs).sort((a, b) => a - b);
  if (candidates.length > 0) return candidates[0];
  return localMs - before;
}

// ---- civil dates as day numbers (days since 1970-01-01) ------------------------------------

export interface CivilDate {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
}

export function dayNumber(year: number, month: number, day: number): number {
  return Math.floor(Date.UTC(year, month - 1, day) / DAY_MS);
}

export function civilDate(dayNum: number): CivilDate {
  const d = new Date(dayNum * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayOf(dayNum: number): number {
  return (((dayNum + 4) % 7) + 7) % 7;
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** `YYYY-MM-DD` → day number. */
export function parseLocalDate(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(date);
  if (!m) throw new Error(`not a date: ${date}`);
  return dayNumber(Number(m[1]), Number(m[2]), Number(m[3]));
}

export function formatLocalDate(dayNum: number): string {
  return new Date(dayNum * DAY_MS).toISOString().slice(0, 10);
}

/** Splits local ms into its day number and the ms since local midnight. */
export function splitLocal(localMs: number): { day: number; timeOfDay: number } {
  const day = Math.floor(localMs / DAY_MS);
  return { day, timeOfDay: localMs - day * DAY_MS };
}

export const MINUTE_MS = MINUTE;
