import type { CalendarEvent, FreeBusyView, WorkingHours } from '@parley/contracts';
import { el, type XmlNode } from '@parley/xml';
import { formatXsLocalDateTime, NS, responseMessage, type ErrorMessageSpec } from '@parley/ews-gateway/soap';
import { serverTimeZone, type RecurringDayRule, type ServerTimeZone } from '../time-zones/time-zone-rules';
import type { AttendeeConflict, MeetingSuggestion, SuggestionDay } from './meeting-suggestions';
import type { AvailabilityZone } from './serializable-time-zone';

export type MailboxAvailability = { readonly view: FreeBusyView } | { readonly error: ErrorMessageSpec };
export type SuggestionsOutcome = { readonly days: readonly SuggestionDay[] } | { readonly error: ErrorMessageSpec };

const t = (local: string, content?: Parameters<typeof el>[3]) => el(NS.TYPES, local, {}, content);

/**
 * `m:GetUserAvailabilityResponse`: `m:FreeBusyResponseArray` when free/busy was asked for, then
 * `m:SuggestionsResponse` when suggestions were (messages.xsd's order). The array holds one
 * `m:FreeBusyResponse` per mailbox, in request order: `m:ResponseMessage`, then on success
 * `m:FreeBusyView` (whose children are in the types namespace: FreeBusyViewType, MergedFreeBusy,
 * CalendarEventArray, WorkingHours). Event and suggestion times are wall-clock times in the
 * request's zone, without offset; working hours are in the mailbox's own zone, whose rules are
 * those of `year` (the request's).
 */
export function getUserAvailabilityResponse(
  freeBusy: readonly MailboxAvailability[] | null,
  suggestions: SuggestionsOutcome | null,
  zone: AvailabilityZone,
  year: number,
): XmlNode {
  return el(NS.MESSAGES, 'GetUserAvailabilityResponse', {}, [
    freeBusy !== null &&
      el(
        NS.MESSAGES,
        'FreeBusyResponseArray',
        {},
        freeBusy.map((r) =>
          el(
            NS.MESSAGES,
            'FreeBusyResponse',
            {},
            'error' in r
              ? responseMessage('ResponseMessage', r.error)
              : [responseMessage('ResponseMessage'), freeBusyView(r.view, zone, year)],
          ),
        ),
      ),
    suggestions !== null && suggestionsResponse(suggestions, zone),
  ]);
}

/**
 * `m:SuggestionsResponse`: its own `m:ResponseMessage`, then on success `m:SuggestionDayResultArray`
 * with one `t:SuggestionDayResult` per day (Date, DayQuality, SuggestionArray). Each `t:Suggestion`
 * carries one conflict entry per mailbox, in request order: `t:IndividualAttendeeConflictData`
 * with the BusyType, or an empty `t:UnknownAttendeeConflictData` for a mailbox nothing is known of.
 */
function suggestionsResponse(outcome: SuggestionsOutcome, zone: AvailabilityZone): XmlNode {
  if ('error' in outcome) return el(NS.MESSAGES, 'SuggestionsResponse', {}, responseMessage('ResponseMessage', outcome.error));
  const conflict = (c: AttendeeConflict) =>
    c.kind === 'Unknown' ? t('UnknownAttendeeConflictData') : t('IndividualAttendeeConflictData', t('BusyType', c.busyType));
  const suggestion = (s: MeetingSuggestion) =>
    t('Suggestion', [
      t('MeetingTime', localTime(s.start, zone)),
      t('IsWorkTime', String(s.isWorkTime)),
      t('SuggestionQuality', s.quality),
      t('AttendeeConflictDataArray', s.conflicts.map(conflict)),
    ]);
  return el(NS.MESSAGES, 'SuggestionsResponse', {}, [
    responseMessage('ResponseMessage'),
    el(
      NS.MESSAGES,
      'SuggestionDayResultArray',
      {},
      outcome.days.map((day) =>
        t('SuggestionDayResult', [
          t('Date', formatLocal(day.localDate)),
          t('DayQuality', day.quality),
          t('SuggestionArray', day.suggestions.map(suggestion)),
        ]),
      ),
    ),
  ]);
}

function freeBusyView(view: FreeBusyView, zone: AvailabilityZone, year: number): XmlNode {
  return el(NS.MESSAGES, 'FreeBusyView', {}, [
    t('FreeBusyViewType', view.viewType),
    view.mergedFreeBusy !== null && t('MergedFreeBusy', view.mergedFreeBusy),
    view.calendarEvents !== null &&
      t(
        'CalendarEventArray',
        view.calendarEvents.map((e) => calendarEvent(e, zone)),
      ),
    view.workingHours !== null && workingHours(view.workingHours, year),
  ]);
}

/**
 * `t:WorkingHours`: the mailbox's zone as a `t:TimeZone` (SerializableTimeZone), then one
 * `t:WorkingPeriod` (days as a space-separated list, minutes after local midnight). Left out when
 * the gateway does not know the zone: no hours beat hours in a wrong zone.
 */
function workingHours(hours: WorkingHours, year: number): XmlNode | null {
  const zone = serverTimeZone(hours.timeZone, year);
  if (!zone) return null;
  return t('WorkingHours', [
    serializableTimeZoneElement(zone),
    t('WorkingPeriodArray', [
      t('WorkingPeriod', [
        t('DayOfWeek', hours.days.join(' ')),
        t('StartTimeInMinutes', String(hours.startMinutes)),
        t('EndTimeInMinutes', String(hours.endMinutes)),
      ]),
    ]),
  ]);
}

/**
 * A zone as `t:SerializableTimeZone`: `Bias` in minutes west of UTC (Windows' sign), then
 * `StandardTime` and `DaylightTime`, each the offset added to `Bias` in that period and the yearly
 * change into it (DayOrder 1–4, 5 for the last; Time the wall clock being left). A zone without
 * daylight saving time has both changes empty (Month 0), as Windows writes it.
 */
export function serializableTimeZoneElement(zone: ServerTimeZone): XmlNode {
  const dst = zone.daylight;
  const change = (local: string, biasMinutes: number, rule: RecurringDayRule | undefined) =>
    t(local, [
      t('Bias', String(biasMinutes)),
      t('Time', rule ? clockTime(rule.timeOfDayMinutes) : '00:00:00'),
      t('DayOrder', String(rule ? (rule.occurrence === -1 ? 5 : rule.occurrence) : 0)),
      t('Month', String(rule?.month ?? 0)),
      t('DayOfWeek', rule?.dayOfWeek ?? 'Sunday'),
    ]);
  return t('TimeZone', [
    t('Bias', String(-zone.standardOffsetMinutes)),
    change('StandardTime', 0, dst?.toStandard),
    change('DaylightTime', dst ? -(dst.offsetMinutes - zone.standardOffsetMinutes) : 0, dst?.toDaylight),
  ]);
}

function clockTime(minutes: number): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}:00`;
}

function calendarEvent(e: CalendarEvent, zone: AvailabilityZone): XmlNode {
  const d = e.details;
  return t('CalendarEvent', [
    t('StartTime', localTime(Date.parse(e.start), zone)),
    t('EndTime', localTime(Date.parse(e.end), zone)),
    t('BusyType', e.busyType),
    d &&
      t('CalendarEventDetails', [
        t('ID', d.id),
        t('Subject', d.subject),
        d.location !== null && t('Location', d.location),
        t('IsMeeting', String(d.isMeeting)),
        t('IsRecurring', String(d.isRecurring)),
        t('IsException', String(d.isException)),
        t('IsReminderSet', String(d.isReminderSet)),
        t('IsPrivate', String(d.isPrivate)),
      ]),
  ]);
}

function localTime(utcMs: number, zone: AvailabilityZone): string {
  return formatLocal(zone.toLocal(utcMs));
}

/** A wall clock (read as UTC ms) as an `xs:dateTime` without offset. */
function formatLocal(localMs: number): string {
  const local = new Date(localMs);
  return formatXsLocalDateTime({
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
    millisecond: 0,
  });
}
