import type { ErrorMessageSpec } from '@parley/ews-gateway/soap';
import { CommandRefusedError } from '@parley/messaging';
import { calendarErrorMessage, refusalMessage } from '../calendar/calendar-error.mapper';

/**
 * Per-item errors of the message operations. The store's refusals map by code as calendar-sync's
 * do (`ItemNotFound`, `Conflict` → ErrorIrresolvableConflict, `QuotaExceeded`, …; only the
 * InvalidRequest text names a message); the gateway's own refusals, access denials and the
 * store's time-outs (ErrorServerBusy with a back-off) are answered as for calendar items.
 */
export function messageErrorMessage(error: unknown): ErrorMessageSpec {
  if (error instanceof CommandRefusedError) return refusalMessage(error, { invalidRequestText: 'The message is not valid.' });
  return calendarErrorMessage(error);
}
