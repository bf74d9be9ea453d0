import { freeBusyViewTypes, type FreeBusyViewType } from '@parley/contracts';
import { canonicalWindowsId, windowsToIana } from '@parley/calendar-time';
import { child, childText, children, type XmlElement } from '@parley/xml';
import { EwsError, EwsErrorCode, type EwsRequestHeaders, NS, parseXsDateTime, requireChild } from '@parley/ews-gateway/soap';
import { attendeeTypes, type AttendeeType } from './meeting-suggestions';
import { ianaAvailabilityZone, serializableTimeZone, UTC_ZONE, type AvailabilityZone } from './serializable-time-zone';
import { readSpan, readSuggestionsViewOptions, type SuggestionsViewRequest } from './suggestions-options.reader';

/** EWS answers free/busy for at most this many days at once (Exchange's default limit). */
export const MAX_AVAILABILITY_WINDOW_DAYS = 42;
/** Identities per request, as Exchange documents. */
export const MAX_AVAILABILITY_MAILBOXES = 100;

export interface FreeBusyViewRequest {
  readonly start: number;
  readonly end: number;
  readonly mergedIntervalMinutes: number;
  readonly requestedView: FreeBusyViewType;
}

export interface AvailabilityAttendee {
  /** As written (trimmed). */
  readonly address: string;
  readonly type: AttendeeType;
  readonly excludeConflicts: boolean;
}

export interface AvailabilityRequest {
  /** In request order; answers (and each suggestion's conflicts) come back in this order. */
  readonly attendees: readonly AvailabilityAttendee[];
  readonly zone: AvailabilityZone;
  /** At least one of the two views is asked for. */
  readonly freeBusy: FreeBusyViewRequest | null;
  readonly suggestions: SuggestionsViewRequest | null;
}

/**
 * GetUserAvailabilityRequest. The zone is `t:TimeZone` (Exchange 2007 clients send bias rules in
 * the body), else the `TimeZoneContext` header (2010 and later), else UTC. Times without an
 * offset (TimeWindow, DetailedSuggestionsWindow, CurrentMeetingTime) are wall-clock times in that
 * zone, as clients send them (dates at midnight). AttendeeType (default Required) and
 * ExcludeConflicts (default false) steer meeting suggestions only.
 */
export function readAvailabilityRequest(request: XmlElement, headers: EwsRequestHeaders): AvailabilityRequest {
  const zone = readZone(child(request, NS.TYPES, 'TimeZone'), headers);
  const attendees = children(requireChild(request, NS.MESSAGES, 'MailboxDataArray'), NS.TYPES, 'MailboxData').map(readAttendee);
  if (attendees.length === 0) throw new EwsError(EwsErrorCode.InvalidValue, "'MailboxDataArray' must hold at least one 'MailboxData'.");
  if (attendees.length > MAX_AVAILABILITY_MAILBOXES)
    throw new EwsError(EwsErrorCode.InvalidRequest, `At most ${MAX_AVAILABILITY_MAILBOXES} mailboxes can be queried at once.`);

  const unzoned = (l: { year: number; month: number; day: number; hour: number; minute: number; second: number; millisecond: number }) =>
    new Date(zone.toUtc(Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second, l.millisecond)));
  const readTime = (element: XmlElement) => parseXsDateTime(element.text, unzoned).getTime();
  const freeBusyOptions = child(request, NS.TYPES, 'FreeBusyViewOptions');
  const suggestionsOptions = child(request, NS.TYPES, 'SuggestionsViewOptions');
  if (!freeBusyOptions && !suggestionsOptions)
    throw new EwsError(EwsErrorCode.InvalidRequest, 'GetUserAvailability needs FreeBusyViewOptions, SuggestionsViewOptions or both.');
  const freeBusy = freeBusyOptions ? readFreeBusyViewOptions(freeBusyOptions, readTime) : null;
  const suggestions = suggestionsOptions ? readSuggestionsViewOptions(suggestionsOptions, readTime, freeBusy) : null;
  return { attendees, zone, freeBusy, suggestions };
}

function readAttendee(data: XmlElement): AvailabilityAttendee {
  const type = (childText(data, NS.TYPES, 'AttendeeType') ?? 'Required').trim();
  if (!(attendeeTypes as readonly string[]).includes(type))
    throw new EwsError(EwsErrorCode.InvalidValue, `'${type.slice(0, 20)}' is not a valid AttendeeType.`);
  const exclude = (childText(data, NS.TYPES, 'ExcludeConflicts') ?? 'false').trim();
  if (!['true', 'false', '1', '0'].includes(exclude))
    throw new EwsError(EwsErrorCode.InvalidValue, `'${exclude.slice(0, 20)}' is not a valid ExcludeConflicts.`);
  const address = (childText(requireChild(data, NS.TYPES, 'Email'), NS.TYPES, 'Address') ?? '').trim();
  return { address, type: type as AttendeeType, excludeConflicts: exclude === 'true' || exclude === '1' };
}

function readFreeBusyViewOptions(options: XmlElement, readTime: (element: XmlElement) => number): FreeBusyViewRequest {
  const { start, end } = readSpan(requireChild(options, NS.TYPES, 'TimeWindow'), readTime);
  const interval = (childText(options, NS.TYPES, 'MergedFreeBusyIntervalInMinutes') ?? '30').trim();
  if (!/^\d{1,4}$/.test(interval) || Number(interval) < 5 || Number(interval) > 1440) {
    throw new EwsError(EwsErrorCode.InvalidRequest, 'MergedFreeBusyIntervalInMinutes must be between 5 and 1440.');
  }
  const view = (childText(options, NS.TYPES, 'RequestedView') ?? 'DetailedMerged').trim();
  if (!(freeBusyViewTypes as readonly string[]).includes(view))
    throw new EwsError(EwsErrorCode.InvalidValue, `'${view.slice(0, 20)}' is not a valid RequestedView.`);
  return { start, end, mergedIntervalMinutes: Number(interval), requestedView: view as FreeBusyViewType };
}

function readZone(tz: XmlElement | undefined, headers: EwsRequestHeaders): AvailabilityZone {
  if (tz) return serializableTimeZone(tz);
  const id = headers.timeZone?.id;
  if (headers.timeZone === undefined) return UTC_ZONE;
  const canonical = id === undefined ? null : canonicalWindowsId(id);
  const iana = canonical === null ? null : windowsToIana(canonical);
  if (iana === null)
    throw new EwsError(EwsErrorCode.InvalidRequest, 'The TimeZoneContext must name a known Windows time zone (TimeZoneDefinition Id).');
  return ianaAvailabilityZone(iana);
}
