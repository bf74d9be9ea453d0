import { freeBusyViewTypes, type FreeBusyViewType } from '@parley/contracts';
import { canonicalWindowsId, windowsToIana } from '@parley/calendar-time';
import { child, childText, children, EwsError, EwsErrorCode, type EwsRequestHeaders, NS, parseXsDateTime, requireChild, type XmlElement } from '@parley/ews-gateway/soap';
import { ianaAvailabilityZone, serializableTimeZone, UTC_ZONE, type AvailabilityZone } from './serializable-time-zone';

/** EWS answers free/busy for at most this many days at once (Exchange's default limit). */
export const MAX_AVAILABILITY_WINDOW_DAYS = 42;
/** Identities per request, as Exchange documents. */
export const MAX_AVAILABILITY_MAILBOXES = 100;

export interface AvailabilityRequest {
  /** In request order, as written (trimmed); answers come back in this order. */
  readonly mailboxes: readonly string[];
  readonly zone: AvailabilityZone;
  readonly start: number;
  readonly end: number;
  readonly mergedIntervalMinutes: number;
  readonly requestedView: FreeBusyViewType;
}

const ATTENDEE_TYPES = ['Organizer', 'Required', 'Optional', 'Room', 'Resource'];

/**
 * GetUserAvailabilityRequest. The zone is `t:TimeZone` (Exchange 2007 clients send bias rules in
 * the body), else the `TimeZoneContext` header (2010 and later), else UTC. TimeWindow times
 * without an offset are wall-clock times in that zone, as clients send them (dates at midnight).
 * AttendeeType and ExcludeConflicts are read and checked; they change nothing in a free/busy
 * view (they steer meeting suggestions, which Parley does not offer).
 */
export function readAvailabilityRequest(request: XmlElement, headers: EwsRequestHeaders): AvailabilityRequest {
  const zone = readZone(child(request, NS.TYPES, 'TimeZone'), headers);
  const mailboxes = children(requireChild(request, NS.MESSAGES, 'MailboxDataArray'), NS.TYPES, 'MailboxData').map((data) => {
    const attendeeType = childText(data, NS.TYPES, 'AttendeeType')?.trim();
    if (attendeeType !== undefined && !ATTENDEE_TYPES.includes(attendeeType)) throw new EwsError(EwsErrorCode.InvalidValue, `'${attendeeType.slice(0, 20)}' is not a valid AttendeeType.`);
    const exclude = childText(data, NS.TYPES, 'ExcludeConflicts')?.trim();
    if (exclude !== undefined && !['true', 'false', '1', '0'].includes(exclude)) throw new EwsError(EwsErrorCode.InvalidValue, `'${exclude.slice(0, 20)}' is not a valid ExcludeConflicts.`);
    return (childText(requireChild(data, NS.TYPES, 'Email'), NS.TYPES, 'Address') ?? '').trim();
  });
  if (mailboxes.length === 0) throw new EwsError(EwsErrorCode.InvalidValue, "'MailboxDataArray' must hold at least one 'MailboxData'.");
  if (mailboxes.length > MAX_AVAILABILITY_MAILBOXES) throw new EwsError(EwsErrorCode.InvalidRequest, `At most ${MAX_AVAILABILITY_MAILBOXES} mailboxes can be queried at once.`);

  const options = child(request, NS.TYPES, 'FreeBusyViewOptions');
  if (!options) throw new EwsError(EwsErrorCode.InvalidRequest, 'Parley answers free/busy views only (FreeBusyViewOptions); meeting suggestions are not offered.');
  const window = requireChild(options, NS.TYPES, 'TimeWindow');
  const unzoned = (l: { year: number; month: number; day: number; hour: number; minute: number; second: number; millisecond: number }) =>
    new Date(zone.toUtc(Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second, l.millisecond)));
  const start = parseXsDateTime(requireChild(window, NS.TYPES, 'StartTime').text, unzoned).getTime();
  const end = parseXsDateTime(requireChild(window, NS.TYPES, 'EndTime').text, unzoned).getTime();
  if (end <= start) throw new EwsError(EwsErrorCode.InvalidRequest, 'The TimeWindow must end after it starts.');
  const interval = (childText(options, NS.TYPES, 'MergedFreeBusyIntervalInMinutes') ?? '30').trim();
  if (!/^\d{1,4}$/.test(interval) || Number(interval) < 5 || Number(interval) > 1440) {
    throw new EwsError(EwsErrorCode.InvalidRequest, 'MergedFreeBusyIntervalInMinutes must be between 5 and 1440.');
  }
  const view = (childText(options, NS.TYPES, 'RequestedView') ?? 'DetailedMerged').trim();
  if (!(freeBusyViewTypes as readonly string[]).includes(view)) throw new EwsError(EwsErrorCode.InvalidValue, `'${view.slice(0, 20)}' is not a valid RequestedView.`);
  return { mailboxes, zone, start, end, mergedIntervalMinutes: Number(interval), requestedView: view as FreeBusyViewType };
}

function readZone(tz: XmlElement | undefined, headers: EwsRequestHeaders): AvailabilityZone {
  if (tz) return serializableTimeZone(tz);
  const id = headers.timeZone?.id;
  if (headers.timeZone === undefined) return UTC_ZONE;
  const canonical = id === undefined ? null : canonicalWindowsId(id);
  const iana = canonical === null ? null : windowsToIana(canonical);
  if (iana === null) throw new EwsError(EwsErrorCode.InvalidRequest, 'The TimeZoneContext must name a known Windows time zone (TimeZoneDefinition Id).');
  return ianaAvailabilityZone(iana);
}
