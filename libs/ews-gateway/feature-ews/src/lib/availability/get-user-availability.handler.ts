import { Injectable } from '@nestjs/common';
import {
  CommandErrorCodes,
  mailboxKey,
  Topics,
  type FreeBusyReply,
  type FreeBusyRequest,
  type FreeBusyView,
  type WorkingHours,
} from '@parley/contracts';
import { windowsToIana } from '@parley/calendar-time';
import { type XmlNode } from '@parley/xml';
import { EwsResponseCode, type ErrorMessageSpec } from '@parley/ews-gateway/soap';
import { CommandRefusedError } from '@parley/messaging';
import type { EwsOperationContext, EwsOperationHandler } from '../ews-operation';
import { calendarErrorMessage } from '../calendar/calendar-error.mapper';
import { CalendarClient } from '../calendar/calendar.client';
import {
  MAX_AVAILABILITY_WINDOW_DAYS,
  readAvailabilityRequest,
  type AvailabilityRequest,
  type FreeBusyViewRequest,
} from './availability-request.reader';
import { getUserAvailabilityResponse, type MailboxAvailability, type SuggestionsOutcome } from './availability-response.writer';
import { suggestMeetingTimes, type AttendeeWorkingHours, type SuggestionAttendee } from './meeting-suggestions';
import { ianaAvailabilityZone } from './serializable-time-zone';
import type { SuggestionsViewRequest, TimeSpan } from './suggestions-options.reader';

const NOT_FOUND: ErrorMessageSpec = {
  responseCode: EwsResponseCode.ErrorMailRecipientNotFound,
  messageText: 'The mail recipient was not found in the directory.',
};
const TOO_BIG: ErrorMessageSpec = {
  responseCode: EwsResponseCode.ErrorTimeIntervalTooBig,
  messageText: `The time window is larger than the allowed ${MAX_AVAILABILITY_WINDOW_DAYS} days.`,
};
// Views that carry events and working hours: a free/busy answer in one of them also feeds the suggestions.
const VIEWS_WITH_EVENTS: ReadonlySet<string> = new Set(['FreeBusy', 'FreeBusyMerged', 'Detailed', 'DetailedMerged']);

/** calendar-sync's answer per lower-cased mailbox, or why there is none at all. */
type Lookup = { readonly byMailbox: ReadonlyMap<string, FreeBusyReply['results'][number]> } | { readonly failure: unknown };

/**
 * GetUserAvailability: free/busy, meeting suggestions, or both. Anyone in the directory may read
 * anyone's free/busy; details (subject, location) are granted by calendar-sync for the
 * requester's own calendar only. An unknown mailbox fails alone (`ErrorMailRecipientNotFound`;
 * in suggestions, an UnknownAttendeeConflictData); a window longer than 42 days fails every
 * mailbox (or the suggestions) with `ErrorTimeIntervalTooBig`. Suggestions are computed here
 * from the same calendar-sync free/busy answers (see meeting-suggestions.ts).
 */
@Injectable()
export class GetUserAvailabilityHandler implements EwsOperationHandler {
  readonly operation = 'GetUserAvailabilityRequest';

  constructor(private readonly calendar: CalendarClient) {}

  async handle({ request, acting }: EwsOperationContext): Promise<XmlNode> {
    const req = readAvailabilityRequest(request.body, request.headers);
    // Working hours' zones are written with the rules of the year the window starts in.
    const firstStart = req.freeBusy?.start ?? req.suggestions?.start ?? 0;
    const year = new Date(req.zone.toLocal(firstStart)).getUTCFullYear();
    const keys = req.attendees.map(({ address }) => {
      const parsed = mailboxKey.safeParse(address);
      return parsed.success ? parsed.data.toLowerCase() : undefined;
    });
    const lookUp = (window: TimeSpan, view: Pick<FreeBusyRequest, 'mergedIntervalMinutes' | 'requestedView'>) =>
      this.lookUp(acting.mailbox.smtpAddress, keys, window, view);

    const freeBusyLookup = req.freeBusy && !tooBig(req.freeBusy) ? lookUp(req.freeBusy, req.freeBusy) : null;
    const suggestionsOptions = req.suggestions;
    // Suggestions need events and working hours (the FreeBusy view); the merged string goes unused.
    const suggestionsLookup =
      suggestionsOptions &&
      (sharedLookup(req.freeBusy, suggestionsOptions, freeBusyLookup) ??
        (() => lookUp(suggestionsOptions, { mergedIntervalMinutes: 30, requestedView: 'FreeBusy' })));
    const [freeBusy, suggestions] = await Promise.all([
      req.freeBusy && freeBusyAnswers(keys, freeBusyLookup),
      suggestionsOptions && suggestionsLookup && this.suggestionsOutcome(req, suggestionsOptions, keys, suggestionsLookup),
    ]);
    return getUserAvailabilityResponse(freeBusy, suggestions, req.zone, year);
  }

  /** A mailbox without an answer (unknown, or refused by calendar-sync) is an unknown attendee. */
  private async suggestionsOutcome(
    req: AvailabilityRequest,
    options: SuggestionsViewRequest,
    keys: readonly (string | undefined)[],
    lookUp: () => Promise<Lookup>,
  ): Promise<SuggestionsOutcome> {
    if (tooBig(options)) return { error: TOO_BIG };
    const lookup = await lookUp();
    if ('failure' in lookup) return { error: calendarErrorMessage(lookup.failure) };
    const attendees = req.attendees.map((attendee, i): SuggestionAttendee => {
      const key = keys[i];
      const result = key === undefined ? undefined : lookup.byMailbox.get(key);
      const view = result?.ok ? result.view : null;
      return {
        type: attendee.type,
        excludeConflicts: attendee.excludeConflicts,
        calendar: view === null || view.calendarEvents === null ? null : calendarOf(view),
      };
    });
    return { days: suggestMeetingTimes(attendees, { ...options, windowStart: options.start, windowEnd: options.end }, req.zone) };
  }

  private async lookUp(
    requester: string,
    keys: readonly (string | undefined)[],
    window: TimeSpan,
    view: Pick<FreeBusyRequest, 'mergedIntervalMinutes' | 'requestedView'>,
  ): Promise<Lookup> {
    const mailboxes = [...new Set(keys.filter((k): k is string => k !== undefined))];
    try {
      const reply =
        mailboxes.length === 0
          ? { results: [] }
          : await this.calendar.freeBusy({
              requester,
              mailboxes,
              start: new Date(window.start).toISOString(),
              end: new Date(window.end).toISOString(),
              mergedIntervalMinutes: view.mergedIntervalMinutes,
              requestedView: view.requestedView,
            });
      return { byMailbox: new Map(reply.results.map((r) => [r.mailbox.toLowerCase(), r])) };
    } catch (failure) {
      return { failure };
    }
  }
}

function tooBig(window: TimeSpan): boolean {
  return window.end - window.start > MAX_AVAILABILITY_WINDOW_DAYS * 86_400_000;
}

async function freeBusyAnswers(keys: readonly (string | undefined)[], pending: Promise<Lookup> | null): Promise<MailboxAvailability[]> {
  if (pending === null) return keys.map(() => ({ error: TOO_BIG }));
  const lookup = await pending;
  if ('failure' in lookup) {
    const message = calendarErrorMessage(lookup.failure);
    return keys.map(() => ({ error: message }));
  }
  return keys.map((key): MailboxAvailability => {
    const result = key === undefined ? undefined : lookup.byMailbox.get(key);
    if (!result) return { error: NOT_FOUND };
    if (result.ok) return { view: result.view };
    if (result.error.code === CommandErrorCodes.mailboxNotFound) return { error: NOT_FOUND };
    return {
      error: calendarErrorMessage(new CommandRefusedError(Topics.calendarFreeBusyGetRequest, result.error.code, result.error.message)),
    };
  });
}

/** The free/busy call, when it covers exactly the suggestions' window in a view with events: one round trip for both. */
function sharedLookup(
  freeBusy: FreeBusyViewRequest | null,
  suggestions: SuggestionsViewRequest,
  pending: Promise<Lookup> | null,
): (() => Promise<Lookup>) | null {
  if (freeBusy === null || pending === null || !VIEWS_WITH_EVENTS.has(freeBusy.requestedView)) return null;
  return freeBusy.start === suggestions.start && freeBusy.end === suggestions.end ? () => pending : null;
}

function calendarOf(view: FreeBusyView): NonNullable<SuggestionAttendee['calendar']> {
  return {
    busy: (view.calendarEvents ?? []).map((e) => ({ start: Date.parse(e.start), end: Date.parse(e.end), busyType: e.busyType })),
    workingHours: view.workingHours && attendeeWorkingHours(view.workingHours),
  };
}

/** Hours in a zone the gateway cannot resolve are left out: no hours beat hours in a wrong zone. */
function attendeeWorkingHours(hours: WorkingHours): AttendeeWorkingHours | null {
  const iana = windowsToIana(hours.timeZone);
  return iana === null
    ? null
    : { zone: ianaAvailabilityZone(iana), days: hours.days, startMinutes: hours.startMinutes, endMinutes: hours.endMinutes };
}
