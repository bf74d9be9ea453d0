import { EwsAuthErrorCode, EwsAuthException } from '@parley/ews-gateway/auth';
import { EwsResponseCode, serverBusyFault, soapFault, type XmlNode } from '@parley/ews-gateway/soap';

/** How the SOAP endpoint answers an authorization failure raised for the whole request. */
export type AuthFailureAnswer = { kind: 'challenge' } | { kind: 'fault'; status: number; envelope: XmlNode };

/**
 * Exhaustive: Unauthenticated → 401 challenge; Throttled → HTTP 500 `ErrorServerBusy` fault with
 * `BackOffMilliseconds` (Exchange and Exchange Online throttle with 500 + this fault; clients
 * such as the EWS Managed API only honour the back-off from there); impersonation problems →
 * faults, as Exchange raises them for the request as a whole.
 */
export function answerForAuthFailure(error: EwsAuthException): AuthFailureAnswer {
  switch (error.code) {
    case EwsAuthErrorCode.Unauthenticated:
      return { kind: 'challenge' };
    case EwsAuthErrorCode.Throttled:
      return { kind: 'fault', status: 500, envelope: serverBusyFault(error.backOffMs) };
    case EwsAuthErrorCode.ImpersonateUserDenied:
      return fault(EwsResponseCode.ErrorImpersonateUserDenied, error.message);
    case EwsAuthErrorCode.NonExistentMailbox:
      return fault(EwsResponseCode.ErrorNonExistentMailbox, error.message);
    case EwsAuthErrorCode.AccessDenied:
      return fault(EwsResponseCode.ErrorAccessDenied, error.message);
    default:
      return assertNever(error.code);
  }
}

function fault(responseCode: EwsResponseCode, faultString: string): AuthFailureAnswer {
  return { kind: 'fault', status: 500, envelope: soapFault({ responseCode, faultString }) };
}

function assertNever(value: never): never {
  throw new Error(`unmapped EwsAuthErrorCode: ${String(value)}`);
}
