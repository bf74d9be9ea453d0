import type { Attendee, ImipOutgoingMethod, MeetingResponse, RecurrencePattern, RelativeDay, Recurrence } from '@parley/contracts';
import { months, weekDays } from '@parley/contracts';
import type { StoredCalendarItem } from '@parley/calendar-sync/data-access';
import { DAY_MS, localToUtc, parseLocalDate, utcToLocal, windowsToIana } from '@parley/calendar-time';
import ICAL from 'ical.js';
import { floatingTime, vtimezone } from './imip-timezone';

/**
 * iCalendar objects for iMIP (RFC 5545 / 5546 / 6047), written and read with ical.js. A single
 * item's times go out in UTC (exact for every client, no VTIMEZONE needed); a series' in its start
 * zone (TZID with a VTIMEZONE, `imip-timezone.ts`), so that its occurrences keep their wall-clock
 * time across daylight-saving changes for the attendee as they do for the organizer.
 */

const PRODID = '-//Parley//Parley Calendar//EN';
const ICAL_DAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'] as const;
/** A body longer than this is cut in DESCRIPTION (the attendee list needs room too). */
const MAX_DESCRIPTION_CHARS = 100_000;
const SETPOS = { First: 1, Second: 2, Third: 3, Fourth: 4, Last: -1 } as const;

/** The SEQUENCE of an organizer's item: its revision counts every write from 1, so it only grows (RFC 5545 asks no more). */
export function imipSequence(item: StoredCalendarItem): number {
  return item.revision - 1;
}

/**
 * The VCALENDAR for `method`: REQUEST carries the whole meeting (every attendee, NEEDS-ACTION with
 * RSVP, the rule, deleted occurrences as EXDATE, changed ones as their own VEVENT); CANCEL the
 * UID, the incremented SEQUENCE, STATUS:CANCELLED and the attendees it cancels (`cancelled`).
 */
export function renderImip(meeting: StoredCalendarItem, method: ImipOutgoingMethod, now: Date, cancelled: readonly string[] = []): string {
  if (!meeting.meetingUid) throw new Error('a meeting without a UID cannot be sent');
  const calendar = new ICAL.Component(['vcalendar', [], []]);
  calendar.updatePropertyWithValue('prodid', PRODID);
  calendar.updatePropertyWithValue('version', '2.0');
  calendar.updatePropertyWithValue('method', method);
  const zone = seriesZone(meeting);
  if (zone) calendar.addSubcomponent(vtimezone(zone, new Date(utcToLocal(zone, meeting.start.getTime())).getUTCFullYear()));
  const event = baseEvent(meeting, now);
  if (method === 'CANCEL') {
    event.updatePropertyWithValue('status', 'CANCELLED');
    for (const address of cancelled) event.addProperty(attendeeProperty({ address, responseType: 'Unknown' }, 'REQ-PARTICIPANT', false));
    calendar.addSubcomponent(event);
    return calendar.toString();
  }
  event.updatePropertyWithValue('status', 'CONFIRMED');
  for (const a of meeting.requiredAttendees) event.addProperty(attendeeProperty(a, 'REQ-PARTICIPANT', true));
  for (const a of meeting.optionalAttendees) event.addProperty(attendeeProperty(a, 'OPT-PARTICIPANT', true));
  if (meeting.recurrence) {
    event.addPropertyWithValue('rrule', recurRule(meeting, meeting.recurrence));
    for (const x of meeting.exceptions.filter((e) => e.kind === 'deleted')) setTime(event, 'exdate', x.originalStart, meeting, true);
  }
  calendar.addSubcomponent(event);
  for (const x of meeting.recurrence ? meeting.exceptions : []) {
    if (x.kind !== 'modified') continue;
    const occurrence = baseEvent(
      {
        ...meeting,
        recurrence: null,
        start: x.start,
        end: x.end,
        subject: x.overrides.subject ?? meeting.subject,
        location: x.overrides.location !== undefined ? x.overrides.location : meeting.location,
        body: x.overrides.body !== undefined ? x.overrides.body : meeting.body,
      },
      now,
    );
    // RECURRENCE-ID takes the series' form (its zone); the moved times may be in UTC.
    setTime(occurrence, 'recurrence-id', x.originalStart, meeting);
    for (const a of meeting.requiredAttendees) occurrence.addProperty(attendeeProperty(a, 'REQ-PARTICIPANT', true));
    for (const a of meeting.optionalAttendees) occurrence.addProperty(attendeeProperty(a, 'OPT-PARTICIPANT', true));
    calendar.addSubcomponent(occurrence);
  }
  return calendar.toString();
}

/** An attendee's iMIP REPLY as calendar-sync applies it (a whole-meeting answer). */
export interface ImipReply {
  readonly uid: string;
  readonly sequence: number;
  /** The lower-cased address of the ATTENDEE answering. */
  readonly attendee: string;
  /** The PARTSTAT as given (ACCEPTED, TENTATIVE, DECLINED, …). */
  readonly partStat: string;
  /** The answer Parley records; null for a PARTSTAT it has no answer for (NEEDS-ACTION, DELEGATED). */
  readonly response: MeetingResponse | null;
}

/** Why an iCalendar text is not a usable REPLY (the message is then ignored, and the reason logged). */
export class ImipFormatError extends Error {
  override readonly name = 'ImipFormatError';
}

/**
 * Reads a REPLY: METHOD:REPLY, a VEVENT for the whole meeting (replies to one occurrence, with a
 * RECURRENCE-ID, are not applied: answers cover whole meetings here) with a UID and exactly one ATTENDEE.
 */
export function parseImipReply(ics: string): ImipReply {
  let calendar: ICAL.Component;
  try {
    calendar = new ICAL.Component(ICAL.parse(ics) as unknown[]);
  } catch (error) {
    throw new ImipFormatError(`not iCalendar: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (calendar.name !== 'vcalendar') throw new ImipFormatError(`a ${calendar.name}, not a VCALENDAR`);
  const method = String(calendar.getFirstPropertyValue('method') ?? '').toUpperCase();
  if (method !== 'REPLY') throw new ImipFormatError(`METHOD is ${method || 'missing'}, not REPLY`);
  const event = calendar.getAllSubcomponents('vevent').find((e) => !e.hasProperty('recurrence-id'));
  if (!event) throw new ImipFormatError('no VEVENT for the whole meeting (only replies to single occurrences)');
  const uid = event.getFirstPropertyValue('uid');
  if (typeof uid !== 'string' || uid === '') throw new ImipFormatError('the VEVENT has no UID');
  const attendees = event.getAllProperties('attendee');
  if (attendees.length !== 1) throw new ImipFormatError(`a REPLY names exactly one ATTENDEE, this one ${attendees.length}`);
  const attendee = addressOf(String(attendees[0].getFirstValue() ?? ''));
  if (!attendee) throw new ImipFormatError('the ATTENDEE is not a mailto: address');
  const partStat = String(attendees[0].getParameter('partstat') ?? 'NEEDS-ACTION').toUpperCase();
  const sequence = Number(event.getFirstPropertyValue('sequence') ?? 0);
  return { uid, sequence: Number.isInteger(sequence) ? sequence : 0, attendee, partStat, response: responseOf(partStat) };
}

function responseOf(partStat: string): MeetingResponse | null {
  switch (partStat) {
    case 'ACCEPTED':
      return 'Accept';
    case 'TENTATIVE':
      return 'Tentative';
    case 'DECLINED':
      return 'Decline';
    default:
      return null;
  }
}

/** `mailto:Someone@Example.org` → `someone@example.org`; null for anything else. */
function addressOf(calAddress: string): string | null {
  const match = /^mailto:(.+)$/i.exec(calAddress.trim());
  if (!match) return null;
  const address = decodeURIComponent(match[1]).trim().toLowerCase();
  return /^[^\s@]+@[^\s@]+$/.test(address) ? address : null;
}

function baseEvent(meeting: StoredCalendarItem, now: Date): ICAL.Component {
  const event = new ICAL.Component('vevent');
  event.updatePropertyWithValue('uid', meeting.meetingUid ?? '');
  event.updatePropertyWithValue('sequence', imipSequence(meeting));
  event.updatePropertyWithValue('dtstamp', ICAL.Time.fromJSDate(now, true));
  setTime(event, 'dtstart', meeting.start, meeting);
  setTime(event, 'dtend', meeting.end, meeting);
  event.updatePropertyWithValue('summary', meeting.subject);
  if (meeting.location) event.updatePropertyWithValue('location', meeting.location);
  const description = meeting.body ? plainText(meeting.body.type, meeting.body.content) : '';
  if (description) event.updatePropertyWithValue('description', description);
  event.updatePropertyWithValue(
    'class',
    meeting.sensitivity === 'Normal' ? 'PUBLIC' : meeting.sensitivity === 'Private' ? 'PRIVATE' : 'CONFIDENTIAL',
  );
  event.updatePropertyWithValue('transp', meeting.legacyFreeBusyStatus === 'Free' ? 'TRANSPARENT' : 'OPAQUE');
  const organizer = new ICAL.Property('organizer');
  if (meeting.organizer.name) organizer.setParameter('cn', meeting.organizer.name);
  organizer.setValue(`mailto:${meeting.mailbox}`);
  event.addProperty(organizer);
  return event;
}

function attendeeProperty(attendee: Attendee, role: 'REQ-PARTICIPANT' | 'OPT-PARTICIPANT', rsvp: boolean): ICAL.Property {
  const property = new ICAL.Property('attendee');
  if (attendee.name) property.setParameter('cn', attendee.name);
  property.setParameter('role', role);
  property.setParameter('partstat', 'NEEDS-ACTION');
  if (rsvp) property.setParameter('rsvp', 'TRUE');
  property.setValue(`mailto:${attendee.address}`);
  return property;
}

/** The IANA zone a timed series is written in (TZID); null: written in UTC (single items, all-day items, UTC series). */
function seriesZone(item: StoredCalendarItem): string | null {
  if (!item.recurrence || item.isAllDay) return null;
  const zone = windowsToIana(item.startTimeZone);
  return zone && zone !== 'UTC' && zone !== 'Etc/UTC' ? zone : null;
}

/**
 * Writes `instant` as property `name`: for an all-day item its local date (VALUE=DATE), for a
 * timed series its wall-clock time in the series' zone (TZID), else UTC.
 */
function setTime(component: ICAL.Component, name: string, instant: Date, item: StoredCalendarItem, add = false): void {
  let value: ICAL.Time;
  const zone = seriesZone(item);
  if (item.isAllDay) {
    const dateZone = windowsToIana(name === 'dtend' ? item.endTimeZone : item.startTimeZone) ?? 'UTC';
    value = ICAL.Time.fromDateString(new Date(utcToLocal(dateZone, instant.getTime())).toISOString().slice(0, 10));
  } else if (zone) value = floatingTime(utcToLocal(zone, instant.getTime()));
  else value = ICAL.Time.fromJSDate(instant, true);
  const property = add ? component.addPropertyWithValue(name, value) : component.updatePropertyWithValue(name, value);
  if (zone && !item.isAllDay) property.setParameter('tzid', zone);
}

/** EWS's pattern and range as an RRULE; its days are the series' local days, as DTSTART is in the series' zone. */
function recurRule(item: StoredCalendarItem, recurrence: Recurrence): ICAL.Recur {
  const zone = windowsToIana(item.startTimeZone) ?? 'UTC';
  const rule: Record<string, unknown> = { ...patternParts(recurrence.pattern) };
  const range = recurrence.range;
  if (range.type === 'Numbered') rule['count'] = range.numberOfOccurrences;
  if (range.type === 'EndDate') {
    // The end date is a local date: the rule runs to the end of that day in the series' zone.
    const until = new Date(localToUtc(zone, (parseLocalDate(range.endDate) + 1) * DAY_MS) - 1000);
    rule['until'] = item.isAllDay ? ICAL.Time.fromDateString(range.endDate) : ICAL.Time.fromJSDate(until, true);
  }
  return ICAL.Recur.fromData(rule as Parameters<typeof ICAL.Recur.fromData>[0]);
}

function patternParts(pattern: RecurrencePattern): Record<string, unknown> {
  switch (pattern.type) {
    case 'Daily':
      return { freq: 'DAILY', interval: pattern.interval };
    case 'Weekly':
      return {
        freq: 'WEEKLY',
        interval: pattern.interval,
        wkst: weekDays.indexOf(pattern.firstDayOfWeek) + 1,
        byday: pattern.daysOfWeek.map((d) => ICAL_DAYS[weekDays.indexOf(d)]),
      };
    case 'AbsoluteMonthly':
      return { freq: 'MONTHLY', interval: pattern.interval, ...monthDay(pattern.dayOfMonth) };
    case 'RelativeMonthly':
      return {
        freq: 'MONTHLY',
        interval: pattern.interval,
        byday: relativeDays(pattern.daysOfWeek),
        bysetpos: [SETPOS[pattern.dayOfWeekIndex]],
      };
    case 'AbsoluteYearly':
      return { freq: 'YEARLY', bymonth: [months.indexOf(pattern.month) + 1], ...monthDay(pattern.dayOfMonth) };
    case 'RelativeYearly':
      return {
        freq: 'YEARLY',
        bymonth: [months.indexOf(pattern.month) + 1],
        byday: relativeDays(pattern.daysOfWeek),
        bysetpos: [SETPOS[pattern.dayOfWeekIndex]],
      };
  }
}

/** Day 29–31 falls on the month's last day when the month is shorter (as Outlook does), not skipped as a plain BYMONTHDAY would. */
function monthDay(day: number): Record<string, unknown> {
  if (day <= 28) return { bymonthday: [day] };
  const days: number[] = [];
  for (let d = 28; d <= day; d++) days.push(d);
  return { bymonthday: days, bysetpos: [-1] };
}

function relativeDays(spec: RelativeDay): string[] {
  if (spec === 'Day') return [...ICAL_DAYS];
  if (spec === 'Weekday') return ['MO', 'TU', 'WE', 'TH', 'FR'];
  if (spec === 'WeekendDay') return ['SU', 'SA'];
  return [ICAL_DAYS[weekDays.indexOf(spec)]];
}

/** DESCRIPTION is plain text (an HTML body loses its markup), cut so that the event stays within `IMIP_MAX_ICS_CHARS`. */
function plainText(type: 'Text' | 'HTML', content: string): string {
  return (type === 'Text' ? content : withoutMarkup(content)).slice(0, MAX_DESCRIPTION_CHARS);
}

function withoutMarkup(content: string): string {
  return content
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, '')
    .replace(/<br\s*\/?>|<\/p>|<\/div>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .trim();
}
