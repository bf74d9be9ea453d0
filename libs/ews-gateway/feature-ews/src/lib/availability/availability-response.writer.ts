import type { CalendarEvent, FreeBusyView } from '@parley/contracts';
import { el, formatXsLocalDateTime, NS, responseMessage, type ErrorMessageSpec, type XmlNode } from '@parley/ews-gateway/soap';
import type { AvailabilityZone } from './serializable-time-zone';

export type MailboxAvailability = { readonly view: FreeBusyView } | { readonly error: ErrorMessageSpec };

const t = (local: string, content?: Parameters<typeof el>[3]) => el(NS.TYPES, local, {}, content);

/**
 * `m:GetUserAvailabilityResponse` → `m:FreeBusyResponseArray` → one `m:FreeBusyResponse` per
 * mailbox, in request order: `m:ResponseMessage`, then on success `m:FreeBusyView` (whose
 * children are in the types namespace: FreeBusyViewType, MergedFreeBusy, CalendarEventArray,
 * WorkingHours). Event times are wall-clock times in the request's zone, without offset.
 */
export function getUserAvailabilityResponse(results: readonly MailboxAvailability[], zone: AvailabilityZone): XmlNode {
  return el(NS.MESSAGES, 'GetUserAvailabilityResponse', {}, [
    el(
      NS.MESSAGES,
      'FreeBusyResponseArray',
      {},
      results.map((r) =>
        el(NS.MESSAGES, 'FreeBusyResponse', {}, 'error' in r ? responseMessage('ResponseMessage', r.error) : [responseMessage('ResponseMessage'), freeBusyView(r.view, zone)]),
      ),
    ),
  ]);
}

function freeBusyView(view: FreeBusyView, zone: AvailabilityZone): XmlNode {
  return el(NS.MESSAGES, 'FreeBusyView', {}, [
    t('FreeBusyViewType', view.viewType),
    view.mergedFreeBusy !== null && t('MergedFreeBusy', view.mergedFreeBusy),
    view.calendarEvents !== null && t('CalendarEventArray', view.calendarEvents.map((e) => calendarEvent(e, zone))),
  ]);
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
