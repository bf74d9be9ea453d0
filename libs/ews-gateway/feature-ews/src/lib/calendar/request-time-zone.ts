import { canonicalWindowsId, localToUtc, windowsToIana } from '@parley/calendar-time';
import {
  EwsError,
  EwsErrorCode,
  parseXsDateTime,
  type EwsRequestHeaders,
  type LocalDateTime,
  type UnzonedPolicy,
} from '@parley/ews-gateway/soap';

/** The request's `TimeZoneContext` as a Windows id and its IANA zone. */
export interface RequestTimeZone {
  readonly windowsId: string;
  readonly iana: string;
}

/**
 * The zone of `TimeZoneContext`, or undefined without one (EWS then reads unzoned values as UTC).
 * A definition without a known Windows id is refused: Parley keeps zones as Windows ids.
 */
export function requestTimeZone(headers: EwsRequestHeaders): RequestTimeZone | undefined {
  const context = headers.timeZone;
  if (context === undefined) return undefined;
  const windowsId = context.id === undefined ? null : canonicalWindowsId(context.id);
  const iana = windowsId === null ? null : windowsToIana(windowsId);
  if (windowsId === null || iana === null) {
    throw new EwsError(EwsErrorCode.InvalidRequest, 'The TimeZoneContext must name a known Windows time zone (TimeZoneDefinition Id).');
  }
  return { windowsId, iana };
}

/** How unzoned `xs:dateTime` values of this request are read: in the context zone, else UTC. */
export function unzonedPolicy(zone: RequestTimeZone | undefined): UnzonedPolicy {
  if (zone === undefined) return 'utc';
  return (l: LocalDateTime) =>
    new Date(localToUtc(zone.iana, Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second, l.millisecond)));
}

/** An `xs:dateTime` of the request as an ISO instant with `Z` (what the calendar contracts carry). */
export function readInstant(value: string, zone: RequestTimeZone | undefined): string {
  return parseXsDateTime(value, unzonedPolicy(zone)).toISOString();
}
