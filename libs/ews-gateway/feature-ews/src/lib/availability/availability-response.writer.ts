import type { CalendarEvent, FreeBusyView, WorkingHours } from '@parley/contracts';
import { el, formatXsLocalDateTime, NS, responseMessage, type ErrorMessageSpec, type XmlNode } from '@parley/ews-gateway/soap';
import { serverTimeZone, type RecurringDayRule, type ServerTimeZone } from '../time-zones/time-zone-rules';
import type { AvailabilityZone } from './serializable-time-zone';

export type MailboxAvailability = { readonly view: FreeBusyView } | { readonly error: ErrorMessageSpec };

const t = (local: string, content?: Parameters<typeof el>[3]) => el(NS.TYPES, local, {}, content);

/**
 * `m:GetUserAvailabilityResponse` → `m:FreeBusyResponseArray` → one `m:FreeBusyResponse` per
 * mailbox, in request order: `m:ResponseMessage`, then on success `m:FreeBusyView` (whose
 * children are in the types namespace: FreeBusyViewType, MergedFreeBusy, CalendarEventArray,
 * WorkingHours). Event times are wall-clock times in the request's zone, without offset; working
 * hours are in the mailbox's own zone, whose rules are those of `year` (the request's).
 */
export function getUserAvailabilityResponse(results: readonly MailboxAvailability[], zone: AvailabilityZone, year: number): XmlNode {
  return el(NS.MESSAGES, 'GetUserAvailabilityResponse', {}, [
    el(
      NS.MESSAGES,
      'FreeBusyResponseArray',
      {},
      results.map((r) =>
        el(NS.MESSAGES, 'FreeBusyResponse', {}, 'error' in r ? responseMessage('ResponseMessage', r.error) : [responseMessage('ResponseMessage'), freeBusyView(r.view, zone, year)]),
      ),
    ),
  ]);
}

function freeBusyView(view: FreeBusyView, zone: AvailabilityZone, year: number): XmlNode {
  return el(NS.MESSAGES, 'FreeBusyView', {}, [
    t('FreeBusyViewType', view.viewType),
    view.mergedFreeBusy !== null && t('MergedFreeBusy', view.mergedFreeBusy),
    view.calendarEvents !== null && t('CalendarEventArray', view.calendarEvents.map((e) => calendarEvent(e, zone))),
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
      t('WorkingPeriod', [t('DayOfWeek', hours.days.join(' ')), t('StartTimeInMinutes', String(hours.startMinutes)), t('EndTimeInMinutes', String(hours.endMinutes))]),
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
    t('StartTime', localTime(e.start, zone)),
    t('EndTime', localTime(e.end, zone)),
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

function localTime(iso: string, zone: AvailabilityZone): string {
  const local = new Date(zone.toLocal(Date.parse(iso)));
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
