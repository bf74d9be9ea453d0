import { TaskErrorCodes, type TaskErrorCode } from '@parley/contracts';
import { EwsResponseCode, type ErrorMessageSpec } from '@parley/ews-gateway/soap';
import { calendarErrorMessage } from '../calendar/calendar-error.mapper';
import { TaskCommandRefused } from './task.gateway';

type ItemErrorCode = ErrorMessageSpec['responseCode'];

/** calendar-sync's task codes → EWS ResponseCodes (exhaustive: a new code fails to compile until mapped). */
const taskCodes: Readonly<Record<TaskErrorCode, ItemErrorCode>> = {
  [TaskErrorCodes.itemNotFound]: EwsResponseCode.ErrorItemNotFound,
  [TaskErrorCodes.conflict]: EwsResponseCode.ErrorIrresolvableConflict,
  [TaskErrorCodes.invalidOperation]: EwsResponseCode.ErrorInvalidOperation,
};

const texts: Partial<Record<ItemErrorCode, string>> = {
  [EwsResponseCode.ErrorItemNotFound]: 'The specified object was not found in the store.',
  [EwsResponseCode.ErrorIrresolvableConflict]: 'The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.',
};

/**
 * Per-item errors of the task operations. calendar-sync's refusals map by code; the gateway's
 * own refusals, access denials and owner time-outs are answered as for calendar items.
 */
export function taskErrorMessage(error: unknown): ErrorMessageSpec {
  if (error instanceof TaskCommandRefused) {
    if (error.code === 'InvalidRequest') return { responseCode: EwsResponseCode.ErrorInvalidRequest, messageText: 'The task is not valid.' };
    const known = (taskCodes as Record<string, ItemErrorCode | undefined>)[error.code];
    if (known !== undefined) return { responseCode: known, messageText: texts[known] ?? error.message };
  }
  return calendarErrorMessage(error);
}
