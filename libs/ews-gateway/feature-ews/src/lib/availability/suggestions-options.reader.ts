import { child, childText, type XmlElement } from '@parley/xml';
import { EwsError, EwsErrorCode, NS, requireChild } from '@parley/ews-gateway/soap';
import { suggestionQualities, type SuggestionQuality } from './meeting-suggestions';

/** `t:SuggestionsViewOptions` as read: the window in UTC ms, the rest as Exchange bounds them. */
export interface SuggestionsViewRequest {
  readonly goodThreshold: number;
  readonly maximumResultsByDay: number;
  readonly maximumNonWorkHourResultsByDay: number;
  readonly meetingDurationMinutes: number;
  readonly minimumQuality: SuggestionQuality;
  readonly start: number;
  readonly end: number;
  readonly currentMeetingStart: number | null;
}

export interface TimeSpan {
  readonly start: number;
  readonly end: number;
}

/**
 * Bounds (and defaults when an element is left out) are Exchange's, the same the managed API
 * checks on its side: GoodThreshold 1–49 (25), MaximumResultsByDay 0–48 (10),
 * MaximumNonWorkHourResultsByDay 0–48 (0), MeetingDurationInMinutes 30–1440 (60),
 * MinimumSuggestionQuality (Fair). DetailedSuggestionsWindow falls back to the free/busy
 * TimeWindow. GlobalObjectId is documented as unused and is ignored.
 */
export function readSuggestionsViewOptions(
  options: XmlElement,
  readTime: (element: XmlElement) => number,
  freeBusyWindow: TimeSpan | null,
): SuggestionsViewRequest {
  const window = child(options, NS.TYPES, 'DetailedSuggestionsWindow');
  const span = window ? readSpan(window, readTime) : freeBusyWindow;
  if (span === null)
    throw new EwsError(
      EwsErrorCode.InvalidRequest,
      'SuggestionsViewOptions needs a DetailedSuggestionsWindow when FreeBusyViewOptions is absent.',
    );
  const quality = (childText(options, NS.TYPES, 'MinimumSuggestionQuality') ?? 'Fair').trim();
  if (!(suggestionQualities as readonly string[]).includes(quality))
    throw new EwsError(EwsErrorCode.InvalidValue, `'${quality.slice(0, 20)}' is not a valid MinimumSuggestionQuality.`);
  const current = child(options, NS.TYPES, 'CurrentMeetingTime');
  return {
    goodThreshold: boundedInt(options, 'GoodThreshold', 25, 1, 49),
    maximumResultsByDay: boundedInt(options, 'MaximumResultsByDay', 10, 0, 48),
    maximumNonWorkHourResultsByDay: boundedInt(options, 'MaximumNonWorkHourResultsByDay', 0, 0, 48),
    meetingDurationMinutes: boundedInt(options, 'MeetingDurationInMinutes', 60, 30, 1440),
    minimumQuality: quality as SuggestionQuality,
    ...span,
    currentMeetingStart: current ? readTime(current) : null,
  };
}

/** A `StartTime`/`EndTime` pair (TimeWindow, DetailedSuggestionsWindow) that must end after it starts. */
export function readSpan(window: XmlElement, readTime: (element: XmlElement) => number): TimeSpan {
  const start = readTime(requireChild(window, NS.TYPES, 'StartTime'));
  const end = readTime(requireChild(window, NS.TYPES, 'EndTime'));
  if (end <= start) throw new EwsError(EwsErrorCode.InvalidRequest, `The ${window.local} must end after it starts.`);
  return { start, end };
}

function boundedInt(options: XmlElement, local: string, fallback: number, min: number, max: number): number {
  const text = childText(options, NS.TYPES, local)?.trim();
  if (text === undefined) return fallback;
  const value = /^[+-]?\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(value >= min && value <= max)) throw new EwsError(EwsErrorCode.InvalidRequest, `${local} must be between ${min} and ${max}.`);
  return value;
}
