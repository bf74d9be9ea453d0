import { CommandErrorCodes } from '@parley/contracts';
import { EwsAuthErrorCode, EwsAuthException } from '@parley/ews-gateway/auth';
import { EwsResponseCode, serverBusyMessage, type ErrorMessageSpec } from '@parley/ews-gateway/soap';
import { CommandRefusedError, CommandTimeoutError } from '@parley/messaging';

/** How long a client should wait after calendar-sync did not answer in time. */
export const OWNER_TIMEOUT_BACKOFF_MS = 2000;

/**
 * Per-message errors of the OOF operations (HTTP 200, `ResponseClass="Error"`). A timeout of the
 * owner is `ErrorServerBusy` with a back-off: the request may well succeed shortly, and clients
 * retry on that code. calendar-sync refuses OOF commands only as `InvalidRequest` (the settings
 * failed the contract). Anything not listed is rethrown (→ `ErrorInternalServerError` fault).
 */
export function oofErrorMessage(error: unknown): ErrorMessageSpec {
  if (error instanceof EwsAuthException && error.code === EwsAuthErrorCode.AccessDenied) {
    return { responseCode: EwsResponseCode.ErrorAccessDenied, messageText: error.message };
  }
  if (error instanceof CommandTimeoutError) return serverBusyMessage(OWNER_TIMEOUT_BACKOFF_MS);
  if (error instanceof CommandRefusedError && error.code === CommandErrorCodes.invalidRequest) {
    return { responseCode: EwsResponseCode.ErrorInvalidRequest, messageText: 'The out-of-office settings are not valid.' };
  }
  throw error;
}
