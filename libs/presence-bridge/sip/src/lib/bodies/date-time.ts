// xs:dateTime as PIDF and RPID use it (timestamps, `until`, `last-input`). A value without a zone
// is read as UTC: RFC 3863 asks for a zone, but refusing a whole PUBLISH over it helps nobody.
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

/** Epoch milliseconds of an xs:dateTime, or undefined when it is not one (or not a real instant). */
export function parseDateTime(value: string): number | undefined {
  const m = DATE_TIME.exec(value.trim());
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s, fraction, zone] = m;
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined;
  const ms = fraction === undefined ? 0 : Math.floor(Number(`0${fraction}`) * 1000);
  // setUTCFullYear, unlike Date.UTC, keeps years below 100 as written.
  const date = new Date(0);
  date.setUTCFullYear(Number(y), month - 1, day);
  date.setUTCHours(hour, minute, second, ms);
  // 31 February rolls over into March; such a date is not a date.
  if (date.getUTCDate() !== day) return undefined;
  const local = date.getTime();
  let offsetMinutes = 0;
  if (zone !== undefined && zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const zh = Number(zone.slice(1, 3));
    const zm = Number(zone.slice(4, 6));
    if (zh > 14 || zm > 59) return undefined;
    offsetMinutes = sign * (zh * 60 + zm);
  }
  return local - offsetMinutes * 60_000;
}

/** An instant as xs:dateTime in UTC with milliseconds (what `toISOString` writes). */
export function formatDateTime(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
