import type { EwsResponseCode } from '@parley/ews-gateway/soap';
import { CalendarItemException } from '../calendar/calendar.exception';

/** A refusal of one subscription operation, answered as that response message's code. */
export class NotificationException extends Error {
  constructor(
    readonly code: Exclude<EwsResponseCode, 'NoError'>,
    message: string,
  ) {
    super(message);
    this.name = 'NotificationException';
  }
}

/** The response message for a refused notification operation; anything else is rethrown (a fault or ErrorInternalServerError). */
export function notificationRefusal(error: unknown): { responseCode: Exclude<EwsResponseCode, 'NoError'>; messageText: string } {
  if (error instanceof NotificationException) return { responseCode: error.code, messageText: error.message };
  if (error instanceof CalendarItemException) return { responseCode: error.responseCode, messageText: error.message };
  throw error;
}
