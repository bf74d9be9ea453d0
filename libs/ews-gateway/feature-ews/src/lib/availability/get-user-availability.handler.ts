import { Injectable } from '@nestjs/common';
import { CalendarErrorCodes, mailboxKey } from '@parley/contracts';
import { EwsResponseCode, type ErrorMessageSpec, type XmlNode } from '@parley/ews-gateway/soap';
import type { EwsOperationContext, EwsOperationHandler } from '../ews-operation';
import { calendarErrorMessage } from '../calendar/calendar-error.mapper';
import { CalendarCommandRefused, CalendarGateway } from '../calendar/calendar.gateway';
import { MAX_AVAILABILITY_WINDOW_DAYS, readAvailabilityRequest } from './availability-request.reader';
import { getUserAvailabilityResponse, type MailboxAvailability } from './availability-response.writer';

const NOT_FOUND: ErrorMessageSpec = {
  responseCode: EwsResponseCode.ErrorMailRecipientNotFound,
  messageText: 'The mail recipient was not found in the directory.',
};

/**
 * GetUserAvailability (free/busy). Anyone in the directory may read anyone's free/busy; details
 * (subject, location) are granted by calendar-sync for the requester's own calendar only. An
 * unknown mailbox fails alone (`ErrorMailRecipientNotFound`); a window longer than 42 days fails
 * every mailbox with `ErrorTimeIntervalTooBig`.
 */
@Injectable()
export class GetUserAvailabilityHandler implements EwsOperationHandler {
  readonly operation = 'GetUserAvailabilityRequest';

  constructor(private readonly calendar: CalendarGateway) {}

  async handle({ request, acting }: EwsOperationContext): Promise<XmlNode> {
    const req = readAvailabilityRequest(request.body, request.headers);
    // Working hours' zones are written with the rules of the year the window starts in.
    const year = new Date(req.zone.toLocal(req.start)).getUTCFullYear();
    if (req.end - req.start > MAX_AVAILABILITY_WINDOW_DAYS * 86_400_000) {
      const tooBig: ErrorMessageSpec = { responseCode: EwsResponseCode.ErrorTimeIntervalTooBig, messageText: `The time window is larger than the allowed ${MAX_AVAILABILITY_WINDOW_DAYS} days.` };
      return getUserAvailabilityResponse(req.mailboxes.map(() => ({ error: tooBig })), req.zone, year);
    }
    const keys = req.mailboxes.map((address) => {
      const parsed = mailboxKey.safeParse(address);
      return parsed.success ? parsed.data.toLowerCase() : undefined;
    });
    const valid = [...new Set(keys.filter((k): k is string => k !== undefined))];
    let results: MailboxAvailability[];
    try {
      const reply =
        valid.length === 0
          ? { results: [] }
          : await this.calendar.freeBusy({
              requester: acting.mailbox.smtpAddress,
              mailboxes: valid,
              start: new Date(req.start).toISOString(),
              end: new Date(req.end).toISOString(),
              mergedIntervalMinutes: req.mergedIntervalMinutes,
              requestedView: req.requestedView,
            });
      const byMailbox = new Map(reply.results.map((r) => [r.mailbox.toLowerCase(), r]));
      results = keys.map((key): MailboxAvailability => {
        const result = key === undefined ? undefined : byMailbox.get(key);
        if (!result) return { error: NOT_FOUND };
        if (result.ok) return { view: result.view };
        if (result.error.code === CalendarErrorCodes.mailboxNotFound) return { error: NOT_FOUND };
        return { error: calendarErrorMessage(new CalendarCommandRefused(result.error.code, result.error.message)) };
      });
    } catch (error) {
      const message = calendarErrorMessage(error);
      results = keys.map(() => ({ error: message }));
    }
    return getUserAvailabilityResponse(results, req.zone, year);
  }
}
