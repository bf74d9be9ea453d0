import { utcToLocal } from '@parley/calendar-time';
import type { CalendarItemView, LegacyFreeBusyStatus } from '@parley/contracts';
import { dateTimeTimeZoneOf, type GraphEvent, type GraphEventType, type GraphFreeBusyStatus, ianaZoneOf } from '@parley/graph';

const showAsOf: Record<LegacyFreeBusyStatus, GraphFreeBusyStatus> = {
  Free: 'free',
  Tentative: 'tentative',
  Busy: 'busy',
  OOF: 'oof',
  WorkingElsewhere: 'workingElsewhere',
  NoData: 'unknown',
};

const typeOf: Record<CalendarItemView['itemType'], GraphEventType> = {
  Single: 'singleInstance',
  Occurrence: 'occurrence',
  Exception: 'exception',
  RecurringMaster: 'seriesMaster',
};

const sensitivityOf: Record<CalendarItemView['sensitivity'], GraphEvent['sensitivity']> = {
  Normal: 'normal',
  Personal: 'personal',
  Private: 'private',
  Confidential: 'confidential',
};

/**
 * A calendar-sync item (a single item or one occurrence, as its calendar view lists them) as
 * Graph's event. Times in `zone` (UTC unless the caller preferred one). An all-day event is a span
 * of dates, not of instants: its start and end are midnight of its dates in its own zone, written
 * as midnight in the answer's zone, as Graph answers all-day events whatever zone is asked.
 */
export function toGraphEvent(item: CalendarItemView, mailbox: string, zone?: string): GraphEvent {
  const at = (iso: string) => {
    if (!item.isAllDay) return dateTimeTimeZoneOf(Date.parse(iso), zone);
    const local = new Date(utcToLocal(ianaZoneOf(item.startTimeZone) ?? 'UTC', Date.parse(iso))).toISOString();
    return { dateTime: `${local.slice(0, 10)}T00:00:00.0000000`, timeZone: zone ?? 'UTC' };
  };
  return {
    id: item.id,
    changeKey: item.changeKey,
    createdDateTime: item.createdAt,
    lastModifiedDateTime: item.lastModifiedAt,
    subject: item.subject,
    start: at(item.start),
    end: at(item.end),
    isAllDay: item.isAllDay,
    showAs: showAsOf[item.legacyFreeBusyStatus],
    sensitivity: sensitivityOf[item.sensitivity],
    location: { displayName: item.location ?? '' },
    organizer: { emailAddress: { name: item.organizer.name ?? item.organizer.address, address: item.organizer.address } },
    isOrganizer: item.organizer.address.toLowerCase() === mailbox.toLowerCase(),
    isCancelled: item.isCancelled ?? false,
    type: typeOf[item.itemType],
    seriesMasterId: item.occurrence?.seriesId ?? null,
  };
}
