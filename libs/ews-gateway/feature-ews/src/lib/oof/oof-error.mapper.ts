import { EwsAuthErrorCode, EwsAuthException } from '@parley/ews-gateway/auth';
import { EwsResponseCode, serverBusyMessage, type ErrorMessageSpec } from '@parley/ews-gateway/soap';
import { CommandTimeoutError } from '@parley/messaging';
import { OofCommandRefused } from './oof.gateway';

/** How long a client should wait after calendar-sync did not answer in time. */
export const OWNER_TIMEOUT_BACKOFF_MS = 2000;

/**
 * Per-message errors of the OOF operations (HTTP 200, `ResponseClass="Error"`). A timeout of the
 * owner is `ErrorServerBusy` with a back-off: the request may well succeed shortly, and clients
 * retry on that code. Anything not listed is rethrown (→ `ErrorInternalServerError` fault).
 */
export function oofErrorMessage(error: unknown): ErrorMessageSpec {
  if (error instanceof EwsAuthException && error.code === EwsAuthErrorCode.AccessDenied) {
    return { responseCode: EwsResponseCode.ErrorAccessDenied, messageText: error.message };
  }
  if (error instanceof CommandTimeoutError) return serverBusyMessage(OWNER_TIMEOUT_BACKOFF_MS);
  if (error instanceof OofCommandRefused && error.code === 'InvalidRequest') {
    return { responseCode: EwsResponseCode.ErrorInvalidRequest, messageText: 'The out-of-office settings are not valid.' };
  }
  throw error;
}
