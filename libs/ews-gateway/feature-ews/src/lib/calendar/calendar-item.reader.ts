import {
  type Attendee,
  type CalendarItemPatch,
  dayOfWeekIndexes,
  legacyFreeBusyStatuses,
  months,
  type Recurrence,
  recurrenceSchema,
  relativeDays,
  weekDays,
} from '@parley/contracts';
import { attr, child, children, childText, type XmlElement } from '@parley/xml';
import { EwsError, EwsErrorCode, NS, requireChild } from '@parley/ews-gateway/soap';
import { oneOf, readItemBasics } from '../item-request.reader';
import { CalendarItemException } from './calendar.exception';
import { readInstant, type RequestTimeZone } from './request-time-zone';

/**
 * The `t:CalendarItem` fields Parley stores, read from a CreateItem item or an UpdateItem
 * fragment: only the elements present are in the result. Elements Parley does not keep
 * (reminders, categories, importance, …) are ignored, as Exchange ignores read-only ones.
 */
export function readCalendarFields(item: XmlElement, zone: RequestTimeZone | undefined): CalendarItemPatch {
  const patch: CalendarItemPatch = { ...readItemBasics(item) };
  const t = (local: string) => child(item, NS.TYPES, local);
  const start = t('Start');
  if (start) patch.start = readInstant(start.text, zone);
  const end = t('End');
  if (end) patch.end = readInstant(end.text, zone);
  const allDay = t('IsAllDayEvent');
  if (allDay) patch.isAllDay = readBoolean(allDay.text, 'IsAllDayEvent');
  const freeBusy = t('LegacyFreeBusyStatus');
  if (freeBusy) patch.legacyFreeBusyStatus = oneOf(freeBusy.text, legacyFreeBusyStatuses, 'LegacyFreeBusyStatus');
  const location = t('Location');
  if (location) patch.location = location.text;
  const required = t('RequiredAttendees');
  if (required) patch.requiredAttendees = readAttendees(required);
  const optional = t('OptionalAttendees');
  if (optional) patch.optionalAttendees = readAttendees(optional);
  const recurrence = t('Recurrence');
  if (recurrence) patch.recurrence = readRecurrence(recurrence);
  // Exchange 2007's single zone, then 2010's pair (which wins when both are sent).
  const meeting = t('MeetingTimeZone');
  const meetingZone = meeting && attr(meeting, 'TimeZoneName')?.trim();
  if (meetingZone) patch.startTimeZone = meetingZone;
  const startZone = zoneId(t('StartTimeZone'));
  if (startZone) patch.startTimeZone = startZone;
  const endZone = zoneId(t('EndTimeZone'));
  if (endZone) patch.endTimeZone = endZone;
  return patch;
}

/** A `TimeZoneDefinitionType`'s Id; a definition without one (periods only) cannot be stored. */
function zoneId(definition: XmlElement | undefined): string | undefined {
  if (!definition) return undefined;
  const id = attr(definition, 'Id')?.trim();
  if (!id)
    throw new CalendarItemException('ErrorCalendarInvalidTimeZone', 'Time zone definitions must carry an Id (a Windows time zone id).');
  return id;
}

function readAttendees(list: XmlElement): Attendee[] {
  return children(list, NS.TYPES, 'Attendee').map((attendee) => {
    const mailbox = requireChild(attendee, NS.TYPES, 'Mailbox');
    const address = childText(mailbox, NS.TYPES, 'EmailAddress')?.trim();
    if (!address) throw new CalendarItemException('ErrorInvalidSmtpAddress', 'Each attendee needs an EmailAddress.');
    const name = childText(mailbox, NS.TYPES, 'Name');
    return { address: address.toLowerCase(), ...(name ? { name } : {}), responseType: 'Unknown' as const };
  });
}

const PATTERNS = [
  'DailyRecurrence',
  'WeeklyRecurrence',
  'AbsoluteMonthlyRecurrence',
  'RelativeMonthlyRecurrence',
  'AbsoluteYearlyRecurrence',
  'RelativeYearlyRecurrence',
];
const RANGES = ['NoEndRecurrence', 'EndDateRecurrence', 'NumberedRecurrence'];

/** `t:Recurrence`: one pattern element, then one range element. */
export function readRecurrence(recurrence: XmlElement): Recurrence {
  const pattern = recurrence.children.find((c) => c.ns === NS.TYPES && PATTERNS.includes(c.local));
  const range = recurrence.children.find((c) => c.ns === NS.TYPES && RANGES.includes(c.local));
  if (!pattern || !range)
    throw new EwsError(EwsErrorCode.InvalidValue, "Element 'Recurrence' must contain a recurrence pattern and a recurrence range.");
  const text = (el: XmlElement, local: string) => requireChild(el, NS.TYPES, local).text.trim();
  const int = (el: XmlElement, local: string) => integer(text(el, local), local);
  const raw = {
    pattern: readPattern(pattern, text, int),
    range:
      range.local === 'NoEndRecurrence'
        ? { type: 'NoEnd', startDate: xsDate(text(range, 'StartDate')) }
        : range.local === 'EndDateRecurrence'
          ? { type: 'EndDate', startDate: xsDate(text(range, 'StartDate')), endDate: xsDate(text(range, 'EndDate')) }
          : { type: 'Numbered', startDate: xsDate(text(range, 'StartDate')), numberOfOccurrences: int(range, 'NumberOfOccurrences') },
  };
  const parsed = recurrenceSchema.safeParse(raw);
  if (!parsed.success) throw new CalendarItemException('ErrorCalendarInvalidRecurrence', 'The recurrence pattern or range is not valid.');
  return parsed.data;
}

function readPattern(
  p: XmlElement,
  text: (el: XmlElement, local: string) => string,
  int: (el: XmlElement, local: string) => number,
): unknown {
  switch (p.local) {
    case 'DailyRecurrence':
      return { type: 'Daily', interval: int(p, 'Interval') };
    case 'WeeklyRecurrence': {
      const first = childText(p, NS.TYPES, 'FirstDayOfWeek')?.trim();
      return {
        type: 'Weekly',
        interval: int(p, 'Interval'),
        daysOfWeek: [...new Set(text(p, 'DaysOfWeek').split(/\s+/).filter(Boolean))].map((d) => oneOf(d, weekDays, 'DaysOfWeek')),
        ...(first ? { firstDayOfWeek: oneOf(first, weekDays, 'FirstDayOfWeek') } : {}),
      };
    }
    case 'AbsoluteMonthlyRecurrence':
      return { type: 'AbsoluteMonthly', interval: int(p, 'Interval'), dayOfMonth: int(p, 'DayOfMonth') };
    case 'RelativeMonthlyRecurrence':
      return {
        type: 'RelativeMonthly',
        interval: int(p, 'Interval'),
        daysOfWeek: oneOf(text(p, 'DaysOfWeek'), relativeDays, 'DaysOfWeek'),
        dayOfWeekIndex: oneOf(text(p, 'DayOfWeekIndex'), dayOfWeekIndexes, 'DayOfWeekIndex'),
      };
    case 'AbsoluteYearlyRecurrence':
      return { type: 'AbsoluteYearly', month: oneOf(text(p, 'Month'), months, 'Month'), dayOfMonth: int(p, 'DayOfMonth') };
    default:
      return {
        type: 'RelativeYearly',
        month: oneOf(text(p, 'Month'), months, 'Month'),
        daysOfWeek: oneOf(text(p, 'DaysOfWeek'), relativeDays, 'DaysOfWeek'),
        dayOfWeekIndex: oneOf(text(p, 'DayOfWeekIndex'), dayOfWeekIndexes, 'DayOfWeekIndex'),
      };
  }
}

/** `xs:date`, whose optional zone suffix (`2031-03-03Z`, `2031-03-03-08:00`) clients add; range dates are local dates. */
function xsDate(value: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})(Z|[+-]\d{2}:\d{2})?$/.exec(value);
  if (!m) throw new EwsError(EwsErrorCode.InvalidValue, `'${value.slice(0, 40)}' is not a valid xs:date.`);
  return m[1];
}

function integer(value: string, what: string): number {
  if (!/^[+-]?\d{1,9}$/.test(value)) throw new EwsError(EwsErrorCode.InvalidValue, `'${value.slice(0, 20)}' is not a valid ${what}.`);
  return Number(value);
}

export function readBoolean(value: string, what: string): boolean {
  const v = value.trim();
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new EwsError(EwsErrorCode.InvalidValue, `'${v.slice(0, 20)}' is not a valid ${what}.`);
}

export { oneOf } from '../item-request.reader';
