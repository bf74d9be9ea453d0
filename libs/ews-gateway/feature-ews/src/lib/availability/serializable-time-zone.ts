import { localToUtc, utcToLocal } from '@parley/calendar-time';
import { child, childText, type XmlElement } from '@parley/xml';
import { EwsError, EwsErrorCode, NS, requireChild } from '@parley/ews-gateway/soap';

const MINUTE_MS = 60_000;
const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** Wall clock ↔ instant in the zone a GetUserAvailability request speaks (local ms = wall clock read as UTC). */
export interface AvailabilityZone {
  toLocal(utcMs: number): number;
  toUtc(localMs: number): number;
}

export function ianaAvailabilityZone(iana: string): AvailabilityZone {
  return { toLocal: (utc) => utcToLocal(iana, utc), toUtc: (local) => localToUtc(iana, local) };
}

export const UTC_ZONE: AvailabilityZone = { toLocal: (utc) => utc, toUtc: (local) => local };

/** One change of a `t:SerializableTimeZone`: `Bias` added to the base bias, from a yearly date. */
interface ZoneChange {
  readonly biasMinutes: number;
  readonly month: number;
  /** 1–4 the n-th weekday of the month, 5 the last; with `year`, the day of the month. */
  readonly dayOrder: number;
  readonly dayOfWeek: number;
  readonly timeMinutes: number;
  readonly year: number | undefined;
}

/**
 * `t:TimeZone` (SerializableTimeZone) as an offset function. Windows counts `Bias` in minutes
 * *west* of UTC (UTC = local + Bias + period Bias); `StandardTime`/`DaylightTime` give the
 * yearly change dates (month, DayOrder-th DayOfWeek, 5 = last, at Time in the wall clock being
 * left). Month 0 (or equal rules) means no daylight saving time. Southern-hemisphere rules
 * (daylight across the new year) work as well.
 */
export function serializableTimeZone(tz: XmlElement): AvailabilityZone {
  const bias = integer(requireChild(tz, NS.TYPES, 'Bias').text, 'Bias', -1440, 1440);
  const standard = readChange(requireChild(tz, NS.TYPES, 'StandardTime'));
  const daylight = readChange(requireChild(tz, NS.TYPES, 'DaylightTime'));
  const stdOffset = -(bias + standard.biasMinutes) * MINUTE_MS;
  const dstOffset = -(bias + daylight.biasMinutes) * MINUTE_MS;
  const observesDst = standard.month !== 0 && daylight.month !== 0 && stdOffset !== dstOffset;
  if (!observesDst) return { toLocal: (utc) => utc + stdOffset, toUtc: (local) => local - stdOffset };
  if (standard.dayOrder === 0 || daylight.dayOrder === 0)
    throw new EwsError(EwsErrorCode.InvalidValue, "'0' is not a valid DayOrder for a daylight saving time change.");

  const isDaylight = (utc: number): boolean => {
    const year = new Date(utc + stdOffset).getUTCFullYear();
    const start = changeLocalMs(daylight, year) - stdOffset; // wall time in standard time
    const end = changeLocalMs(standard, year) - dstOffset; // wall time in daylight time
    return start < end ? utc >= start && utc < end : !(utc >= end && utc < start);
  };
  return {
    toLocal: (utc) => utc + (isDaylight(utc) ? dstOffset : stdOffset),
    toUtc: (local) => {
      // Ambiguous (clocks go back): the earlier instant; skipped (clocks go forward): pushed forward by the gap.
      const candidates = [local - stdOffset, local - dstOffset].filter((utc, i) => isDaylight(utc) === (i === 1));
      return candidates.length > 0 ? Math.min(...candidates) : local - stdOffset;
    },
  };
}

function readChange(el: XmlElement): ZoneChange {
  const time = (childText(el, NS.TYPES, 'Time') ?? '00:00:00').trim();
  const m = /^(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(time);
  if (!m || Number(m[1]) > 24 || Number(m[2]) > 59)
    throw new EwsError(EwsErrorCode.InvalidValue, `'${time.slice(0, 20)}' is not a valid Time.`);
  const dayName = (childText(el, NS.TYPES, 'DayOfWeek') ?? 'Sunday').trim();
  const dayOfWeek = DAY_NAMES.indexOf(dayName);
  if (dayOfWeek < 0) throw new EwsError(EwsErrorCode.InvalidValue, `'${dayName.slice(0, 20)}' is not a valid DayOfWeek.`);
  const year = child(el, NS.TYPES, 'Year');
  return {
    biasMinutes: integer(requireChild(el, NS.TYPES, 'Bias').text, 'Bias', -1440, 1440),
    month: integer(childText(el, NS.TYPES, 'Month') ?? '0', 'Month', 0, 12),
    // 0 with Month 0 is how Windows and the EWS Managed API write a zone without daylight saving time.
    dayOrder: integer(childText(el, NS.TYPES, 'DayOrder') ?? '1', 'DayOrder', 0, 31),
    dayOfWeek,
    timeMinutes: Number(m[1]) * 60 + Number(m[2]),
    year: year ? integer(year.text, 'Year', 1, 9999) : undefined,
  };
}

/** The wall-clock moment (local ms) of a change in `year`. */
function changeLocalMs(c: ZoneChange, year: number): number {
  if (c.year !== undefined) return Date.UTC(year, c.month - 1, c.dayOrder) + c.timeMinutes * MINUTE_MS;
  const firstOfMonth = new Date(Date.UTC(year, c.month - 1, 1)).getUTCDay();
  let day = 1 + ((c.dayOfWeek - firstOfMonth + 7) % 7) + 7 * (Math.min(c.dayOrder, 5) - 1);
  const daysInMonth = new Date(Date.UTC(year, c.month, 0)).getUTCDate();
  while (day > daysInMonth) day -= 7;
  return Date.UTC(year, c.month - 1, day) + c.timeMinutes * MINUTE_MS;
}

function integer(value: string, what: string, min: number, max: number): number {
  const v = value.trim();
  if (!/^[+-]?\d{1,5}$/.test(v) || Number(v) < min || Number(v) > max)
    throw new EwsError(EwsErrorCode.InvalidValue, `'${v.slice(0, 20)}' is not a valid ${what}.`);
  return Number(v);
}
