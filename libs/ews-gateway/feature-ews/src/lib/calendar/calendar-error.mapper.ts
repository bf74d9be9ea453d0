import { CalendarErrorCodes, type CalendarErrorCode } from '@parley/contracts';
import { EwsAuthErrorCode, EwsAuthException } from '@parley/ews-gateway/auth';
import { EwsResponseCode, serverBusyMessage, type ErrorMessageSpec } from '@parley/ews-gateway/soap';
import { CommandTimeoutError } from '@parley/messaging';
import { OWNER_TIMEOUT_BACKOFF_MS } from '../oof/oof-error.mapper';
import { CalendarItemException } from './calendar.exception';
import { CalendarCommandRefused } from './calendar.gateway';

type ItemErrorCode = ErrorMessageSpec['responseCode'];

/** Where the failing id came from changes the answer for `OccurrenceNotFound` (EWS has a code for an index out of range). */
export interface CalendarErrorContext {
  readonly byOccurrenceIndex?: boolean;
}

/** calendar-sync's codes → EWS ResponseCodes (exhaustive: a new code fails to compile until mapped). */
const calendarCodes: Readonly<Record<CalendarErrorCode, ItemErrorCode>> = {
  [CalendarErrorCodes.itemNotFound]: EwsResponseCode.ErrorItemNotFound,
  [CalendarErrorCodes.occurrenceNotFound]: EwsResponseCode.ErrorItemNotFound,
  [CalendarErrorCodes.conflict]: EwsResponseCode.ErrorIrresolvableConflict,
  [CalendarErrorCodes.mailboxNotFound]: EwsResponseCode.ErrorNonExistentMailbox,
  [CalendarErrorCodes.invalidRecurrence]: EwsResponseCode.ErrorCalendarInvalidRecurrence,
  [CalendarErrorCodes.invalidTimeZone]: EwsResponseCode.ErrorCalendarInvalidTimeZone,
  [CalendarErrorCodes.invalidOperation]: EwsResponseCode.ErrorInvalidOperation,
  [CalendarErrorCodes.invalidDuration]: EwsResponseCode.ErrorCalendarEndDateIsEarlierThanStartDate,
  [CalendarErrorCodes.windowTooLarge]: EwsResponseCode.ErrorCalendarViewRangeTooBig,
};

const texts: Partial<Record<ItemErrorCode, string>> = {
  [EwsResponseCode.ErrorItemNotFound]: 'The specified object was not found in the store.',
  [EwsResponseCode.ErrorCalendarOccurrenceIndexIsOutOfRecurrenceRange]: 'The occurrence index is out of the recurrence range.',
  [EwsResponseCode.ErrorIrresolvableConflict]: 'The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.',
  [EwsResponseCode.ErrorNonExistentMailbox]: 'The mailbox does not exist.',
};

/**
 * Per-item errors of the calendar operations (HTTP 200, `ResponseClass="Error"`). A timeout of
 * calendar-sync is `ErrorServerBusy` with a back-off. Anything not listed is rethrown
 * (→ `ErrorInternalServerError` fault).
 */
export function calendarErrorMessage(error: unknown, context: CalendarErrorContext = {}): ErrorMessageSpec {
  if (error instanceof CalendarItemException) return { responseCode: error.responseCode, messageText: error.message };
  if (error instanceof EwsAuthException && error.code === EwsAuthErrorCode.AccessDenied) {
    return { responseCode: EwsResponseCode.ErrorAccessDenied, messageText: error.message };
  }
  if (error instanceof CommandTimeoutError) return serverBusyMessage(OWNER_TIMEOUT_BACKOFF_MS);
  if (error instanceof CalendarCommandRefused) {
    if (error.code === 'InvalidRequest') return { responseCode: EwsResponseCode.ErrorInvalidRequest, messageText: 'The calendar item is not valid.' };
    const known = (calendarCodes as Record<string, ItemErrorCode | undefined>)[error.code];
    if (known !== undefined) {
      const code = error.code === CalendarErrorCodes.occurrenceNotFound && context.byOccurrenceIndex ? EwsResponseCode.ErrorCalendarOccurrenceIndexIsOutOfRecurrenceRange : known;
      // calendar-sync's messages name no other user's data; the fixed texts are Exchange's wording.
      return { responseCode: code, messageText: texts[code] ?? error.message };
    }
  }
  throw error;
}
