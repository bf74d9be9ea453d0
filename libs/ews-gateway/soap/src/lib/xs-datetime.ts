import { echo, EwsError, EwsErrorCode } from './ews-error';

/** Wall-clock fields of an `xs:dateTime` without a zone (month 1–12). */
export interface LocalDateTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millisecond: number;
}

/**
 * What an `xs:dateTime` without `Z`/offset means. EWS documents that such values are in the
 * time zone of the request's `TimeZoneContext` header, and in UTC without one; resolving a
 * Windows zone is the caller's job, hence the function form. `'reject'` is for the places where
 * a zone is required.
 */
export type UnzonedPolicy = 'reject' | 'utc' | ((local: LocalDateTime) => Date);

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})?$/;

function invalid(value: string): EwsError {
  return new EwsError(EwsErrorCode.InvalidValue, `'${echo(value, 40)}' is not a valid xs:dateTime.`);
}

/** UTC instant of wall-clock fields; `undefined` when the day does not exist (Feb 30). */
function utcOf(l: LocalDateTime): Date | undefined {
  const d = new Date(0);
  d.setUTCFullYear(l.year, l.month - 1, l.day); // setUTCFullYear, not Date.UTC: years < 100 stay literal
  if (d.getUTCFullYear() !== l.year || d.getUTCMonth() !== l.month - 1 || d.getUTCDate() !== l.day) return undefined;
  d.setUTCHours(l.hour, l.minute, l.second, l.millisecond); // hour 24 rolls over to the next day, as XSD says
  return d;
}

/**
 * Parses an `xs:dateTime` (years 0001–9999; fractions beyond milliseconds are truncated).
 * A malformed value is the client's schema error; an unzoned one follows `unzoned`.
 */
export function parseXsDateTime(value: string, unzoned: UnzonedPolicy = 'reject'): Date {
  const trimmed = value.trim();
  const m = DATE_TIME.exec(trimmed);
  if (m === null) throw invalid(value);
  const local: LocalDateTime = {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: Number(m[4]),
    minute: Number(m[5]),
    second: Number(m[6]),
    millisecond: m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0')),
  };
  const endOfDay = local.hour === 24 && local.minute === 0 && local.second === 0 && /^0*$/.test(m[7] ?? '');
  if (local.year === 0 || local.month < 1 || local.month > 12 || local.minute > 59 || local.second > 59) throw invalid(value);
  if (local.hour > 23 && !endOfDay) throw invalid(value);
  const asUtc = utcOf(local);
  if (asUtc === undefined) throw invalid(value);

  const zone = m[8];
  if (zone === undefined) {
    if (unzoned === 'utc') return asUtc;
    if (unzoned === 'reject') {
      throw new EwsError(EwsErrorCode.InvalidRequest, `'${echo(value, 40)}' must include a time zone ('Z' or an offset).`);
    }
    return unzoned(local);
  }
  if (zone === 'Z') return asUtc;
  const sign = zone[0] === '-' ? -1 : 1;
  const hours = Number(zone.slice(1, 3));
  const minutes = Number(zone.slice(4, 6));
  if (minutes > 59 || hours > 14 || (hours === 14 && minutes > 0)) throw invalid(value);
  return new Date(asUtc.getTime() - sign * (hours * 60 + minutes) * 60_000);
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * Formats an instant as EWS answers it: UTC with `Z`, to the second (EWS's default
 * `DateTimePrecision`; milliseconds on request). Sub-second parts are truncated, not rounded.
 */
export function formatXsDateTime(date: Date, precision: 'seconds' | 'milliseconds' = 'seconds'): string {
  const t = date.getTime();
  if (Number.isNaN(t)) throw new RangeError('cannot format an invalid Date');
  const year = date.getUTCFullYear();
  if (year < 1 || year > 9999) throw new RangeError(`year ${year} is outside xs:dateTime's 0001–9999 here`);
  const base =
    `${pad(year, 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}` +
    `T${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
  return precision === 'milliseconds' ? `${base}.${pad(date.getUTCMilliseconds(), 3)}Z` : `${base}Z`;
}

/** Wall-clock time without offset, for the few answers given "in the requested time zone" (availability). */
export function formatXsLocalDateTime(local: LocalDateTime): string {
  if (local.year < 1 || local.year > 9999 || utcOf(local) === undefined || local.hour > 23 || local.minute > 59 || local.second > 59) {
    throw new RangeError('not a valid local date-time');
  }
  return `${pad(local.year, 4)}-${pad(local.month)}-${pad(local.day)}` + `T${pad(local.hour)}:${pad(local.minute)}:${pad(local.second)}`;
}
