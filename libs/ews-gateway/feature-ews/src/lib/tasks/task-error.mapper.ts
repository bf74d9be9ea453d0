import type { ErrorMessageSpec } from '@parley/ews-gateway/soap';
import { CommandRefusedError } from '@parley/messaging';
import { calendarErrorMessage, refusalMessage } from '../calendar/calendar-error.mapper';

/**
 * Per-item errors of the task operations. calendar-sync's refusals map by code as for calendar
 * items (only the InvalidRequest text names a task); the gateway's own refusals, access denials
 * and owner time-outs are answered as for calendar items.
 */
export function taskErrorMessage(error: unknown): ErrorMessageSpec {
  if (error instanceof CommandRefusedError) return refusalMessage(error, { invalidRequestText: 'The task is not valid.' });
  return calendarErrorMessage(error);
}
