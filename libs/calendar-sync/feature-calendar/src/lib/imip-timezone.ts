import { DAY_MS, daysInMonth, zoneOffsetMs } from '@parley/calendar-time';
import ICAL from 'ical.js';

const MINUTE_MS = 60_000;

/** One change of a zone's UTC offset: the instant, and the offsets before and after. */
interface OffsetChange {
  readonly at: number;
  readonly from: number;
  readonly to: number;
}

/** The offset changes of `zone` in `year` (UTC), found from Intl's offsets to the minute. */
function offsetChanges(zone: string, year: number): OffsetChange[] {
  const changes: OffsetChange[] = [];
  const end = Date.UTC(year + 1, 0, 1);
  let previous = Date.UTC(year, 0, 1);
  let previousOffset = zoneOffsetMs(zone, previous);
  for (let t = previous + DAY_MS; t <= end; t += DAY_MS) {
    const offset = zoneOffsetMs(zone, t);
    if (offset !== previousOffset) {
      // The first minute with the new offset, between the two samples.
      let low = previous;
      let high = t;
      while (high - low > MINUTE_MS) {
        const middle = low + Math.floor((high - low) / 2 / MINUTE_MS) * MINUTE_MS;
        if (zoneOffsetMs(zone, middle) === previousOffset) low = middle;
        else high = middle;
      }
      changes.push({ at: high, from: previousOffset, to: offset });
    }
    previous = t;
    previousOffset = offset;
  }
  return changes;
}

/** A local wall-clock time (ms as if UTC) as a floating iCalendar DATE-TIME. */
export function floatingTime(localMs: number): ICAL.Time {
  const d = new Date(localMs);
  return ICAL.Time.fromData({
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    isDate: false,
  });
}

/**
 * A VTIMEZONE for `zone` (an IANA id, written as its TZID) with the rules in force in `year`, as
 * Outlook writes them: one STANDARD and one DAYLIGHT part repeating yearly on the weekday of the
 * month the change falls on (`-1SU`: the last Sunday), or one STANDARD part for a zone without
 * daylight saving. The rules come from the platform's Intl data; a zone whose rules change in a
 * later year is described by those of `year` (iCalendar clients do the same with any VTIMEZONE).
 */
export function vtimezone(zone: string, year: number): ICAL.Component {
  const component = new ICAL.Component('vtimezone');
  component.updatePropertyWithValue('tzid', zone);
  const changes = offsetChanges(zone, year);
  if (changes.length === 0) {
    const offset = ICAL.UtcOffset.fromSeconds(zoneOffsetMs(zone, Date.UTC(year, 0, 1)) / 1000);
    const standard = new ICAL.Component('standard');
    standard.updatePropertyWithValue('dtstart', floatingTime(Date.UTC(1970, 0, 1)));
    standard.updatePropertyWithValue('tzoffsetfrom', offset);
    standard.updatePropertyWithValue('tzoffsetto', offset);
    component.addSubcomponent(standard);
    return component;
  }
  for (const change of changes) {
    // DTSTART is the wall-clock time of the change, in the offset before it (RFC 5545 §3.6.5).
    const local = new Date(change.at + change.from);
    const day = local.getUTCDate();
    const month = local.getUTCMonth() + 1;
    const week = day > daysInMonth(local.getUTCFullYear(), month) - 7 ? -1 : Math.ceil(day / 7);
    const weekday = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'][local.getUTCDay()];
    const part = new ICAL.Component(change.to > change.from ? 'daylight' : 'standard');
    part.updatePropertyWithValue('dtstart', floatingTime(change.at + change.from));
    part.updatePropertyWithValue('tzoffsetfrom', ICAL.UtcOffset.fromSeconds(change.from / 1000));
    part.updatePropertyWithValue('tzoffsetto', ICAL.UtcOffset.fromSeconds(change.to / 1000));
    part.updatePropertyWithValue('rrule', ICAL.Recur.fromData({ freq: 'YEARLY', bymonth: [month], byday: [`${week}${weekday}`] }));
    component.addSubcomponent(part);
  }
  return component;
}
