import { isKnownIanaZone, localToUtc, utcToLocal, windowsToIana } from '@parley/calendar-time';

/** Graph's `dateTimeTimeZone`. */
export interface DateTimeTimeZone {
  dateTime: string;
  timeZone: string;
}

/** A wall-clock date-time as Graph writes it: no offset, seconds optional, up to 7 fraction digits (`2026-03-20T08:00:00.0000000`). */
const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?$/;

/** The IANA zone a Graph time zone names: an IANA name, or a Windows one (any case, as Windows treats them); null when neither. */
export function ianaZoneOf(name: string): string | null {
  const trimmed = name.trim();
  if (trimmed === '' || trimmed.length > 100) return null;
  const fromWindows = windowsToIana(trimmed);
  if (fromWindows) return fromWindows;
  return isKnownIanaZone(trimmed) ? trimmed : null;
}

/** `YYYY-MM-DDThh:mm[:ss[.fffffff]]` at the start of an ISO 8601 text (an offset may follow). */
const WALL_CLOCK = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?/;

/**
 * The date and time at the start of `text` read as if in UTC (milliseconds; an offset after it is the caller's), or
 * undefined when there is none or it does not exist: Date.UTC rolls 2026-02-30 over to March, and a date that rolled
 * does not exist.
 */
export function wallClockMs(text: string): number | undefined {
  const m = WALL_CLOCK.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map((p) => Number(p ?? 0));
  const millis = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  const ms = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  const check = new Date(ms);
  const exists =
    check.getUTCFullYear() === year &&
    check.getUTCMonth() === month - 1 &&
    check.getUTCDate() === day &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59;
  return exists ? ms : undefined;
}

/** The instant a `dateTimeTimeZone` denotes, or a reason it denotes none. */
export function instantOf(value: DateTimeTimeZone): { ms: number } | { problem: string } {
  const zone = ianaZoneOf(value.timeZone);
  if (zone === null) return { problem: `'${value.timeZone.slice(0, 100)}' is not a known time zone (IANA or Windows name)` };
  const text = value.dateTime.trim();
  if (!LOCAL_DATE_TIME.test(text)) return { problem: 'dateTime must be a date and time without offset, e.g. 2026-03-20T08:00:00' };
  const localMs = wallClockMs(text);
  if (localMs === undefined) return { problem: `'${value.dateTime.slice(0, 40)}' is not a valid date and time` };
  return { ms: localToUtc(zone, localMs) };
}

/** An instant as Graph answers it in `zone` (a name `ianaZoneOf` resolves; `UTC` by default), with Graph's seven fraction digits. */
export function dateTimeTimeZoneOf(utcMs: number, zone = 'UTC'): DateTimeTimeZone {
  const iana = ianaZoneOf(zone) ?? 'UTC';
  const local = new Date(utcToLocal(iana, utcMs)).toISOString();
  return { dateTime: `${local.slice(0, 19)}.${local.slice(20, 23)}0000`, timeZone: zone };
}

/**
 * The zone a `Prefer: outlook.timezone="..."` header asks answers in (Graph's documented header),
 * when it names one `ianaZoneOf` knows; else undefined (answers stay in UTC, as Graph's default).
 */
export function preferredTimeZone(prefer: string | string[] | undefined): string | undefined {
  const values = Array.isArray(prefer) ? prefer : prefer === undefined ? [] : [prefer];
  for (const header of values) {
    for (const part of header.split(',')) {
      const m = /^\s*outlook\.timezone\s*=\s*"?([^"]{1,100})"?\s*$/i.exec(part);
      if (m && ianaZoneOf(m[1]) !== null) return m[1].trim();
    }
  }
  return undefined;
}
