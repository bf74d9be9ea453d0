import { type CommandErrorCode, CommandErrorCodes } from '@parley/contracts';
import { EwsAuthErrorCode, EwsAuthException } from '@parley/ews-gateway/auth';
import { EwsResponseCode, serverBusyMessage, type ErrorMessageSpec } from '@parley/ews-gateway/soap';
import { CommandRefusedError, CommandTimeoutError } from '@parley/messaging';
import { OWNER_TIMEOUT_BACKOFF_MS } from '../oof/oof-error.mapper';
import { CalendarItemException } from './calendar.exception';

type ItemErrorCode = ErrorMessageSpec['responseCode'];

/** Where the failing id came from changes the answer for `OccurrenceNotFound` (EWS has a code for an index out of range). */
export interface CalendarErrorContext {
  readonly byOccurrenceIndex?: boolean;
}

const texts: Partial<Record<ItemErrorCode, string>> = {
  [EwsResponseCode.ErrorItemNotFound]: 'The specified object was not found in the store.',
  [EwsResponseCode.ErrorCalendarOccurrenceIndexIsOutOfRecurrenceRange]: 'The occurrence index is out of the recurrence range.',
  [EwsResponseCode.ErrorIrresolvableConflict]:
    'The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.',
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
  if (error instanceof CommandRefusedError)
    return refusalMessage(error, { ...context, invalidRequestText: 'The calendar item is not valid.' });
  throw error;
}

/** How to word a refusal: the text for `InvalidRequest` (what was not valid), and where the failing id came from. */
export interface RefusalContext extends CalendarErrorContext {
  readonly invalidRequestText: string;
}

/**
 * An owner's refusal of an item command (calendar item or task) as a per-item EWS error. calendar-sync's
 * messages name no other user's data; the fixed texts are Exchange's wording.
 */
export function refusalMessage(error: CommandRefusedError, context: RefusalContext): ErrorMessageSpec {
  const responseCode = responseCodeOf(error.code, context);
  return {
    responseCode,
    messageText: error.code === CommandErrorCodes.invalidRequest ? context.invalidRequestText : (texts[responseCode] ?? error.message),
  };
}

/** The owners' codes → EWS ResponseCodes (exhaustive: a new code fails to compile until mapped). */
function responseCodeOf(code: CommandErrorCode, context: CalendarErrorContext): ItemErrorCode {
  switch (code) {
    case CommandErrorCodes.invalidRequest:
      return EwsResponseCode.ErrorInvalidRequest;
    case CommandErrorCodes.itemNotFound:
      return EwsResponseCode.ErrorItemNotFound;
    case CommandErrorCodes.occurrenceNotFound:
      return context.byOccurrenceIndex
        ? EwsResponseCode.ErrorCalendarOccurrenceIndexIsOutOfRecurrenceRange
        : EwsResponseCode.ErrorItemNotFound;
    case CommandErrorCodes.conflict:
      return EwsResponseCode.ErrorIrresolvableConflict;
    case CommandErrorCodes.mailboxNotFound:
      return EwsResponseCode.ErrorNonExistentMailbox;
    case CommandErrorCodes.invalidRecurrence:
      return EwsResponseCode.ErrorCalendarInvalidRecurrence;
    case CommandErrorCodes.invalidTimeZone:
      return EwsResponseCode.ErrorCalendarInvalidTimeZone;
    case CommandErrorCodes.invalidOperation:
      return EwsResponseCode.ErrorInvalidOperation;
    case CommandErrorCodes.invalidDuration:
      return EwsResponseCode.ErrorCalendarEndDateIsEarlierThanStartDate;
    case CommandErrorCodes.windowTooLarge:
      return EwsResponseCode.ErrorCalendarViewRangeTooBig;
    case CommandErrorCodes.quotaExceeded:
      return EwsResponseCode.ErrorQuotaExceeded;
    case CommandErrorCodes.invalidRecipients:
      return EwsResponseCode.ErrorInvalidRecipients;
    case CommandErrorCodes.recipientUnreachable:
      return EwsResponseCode.ErrorMailRecipientNotFound;
    default:
      return unmapped(code);
  }
}

function unmapped(code: never): never {
  throw new Error(`unmapped CommandErrorCode: ${String(code)}`);
}
