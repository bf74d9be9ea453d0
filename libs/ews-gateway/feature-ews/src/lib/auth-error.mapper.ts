import { AuthErrorCode, AuthException } from '@parley/auth';
import { EwsAuthErrorCode, EwsAuthException } from '@parley/ews-gateway/auth';
import { type XmlNode } from '@parley/xml';
import { EwsResponseCode, serverBusyFault, soapFault } from '@parley/ews-gateway/soap';

/** How the SOAP endpoint answers an authorization failure raised for the whole request. */
export type AuthFailureAnswer = { kind: 'challenge' } | { kind: 'fault'; status: number; envelope: XmlNode };

/**
 * Exhaustive over both kinds of refusal: Unauthenticated → 401 challenge; Throttled → HTTP 500
 * `ErrorServerBusy` fault with `BackOffMilliseconds` (Exchange and Exchange Online throttle with
 * 500 + this fault; clients such as the EWS Managed API only honour the back-off from there);
 * impersonation problems → faults, as Exchange raises them for the request as a whole.
 */
export function answerForAuthFailure(error: AuthException | EwsAuthException): AuthFailureAnswer {
  return error instanceof AuthException ? answerForSignInFailure(error) : answerForMailboxRefusal(error);
}

function answerForSignInFailure(error: AuthException): AuthFailureAnswer {
  switch (error.code) {
    case AuthErrorCode.Unauthenticated:
      return { kind: 'challenge' };
    case AuthErrorCode.Throttled:
      return { kind: 'fault', status: 500, envelope: serverBusyFault(error.retryAfterMs) };
    // Raised by the impersonation rule, which EWS reaches through ActingMailboxResolver (it maps these itself).
    case AuthErrorCode.ImpersonationDenied:
      return fault(EwsResponseCode.ErrorImpersonateUserDenied, error.message);
    case AuthErrorCode.UnknownMailbox:
      return fault(EwsResponseCode.ErrorNonExistentMailbox, error.message);
    // Raised only for the web client's session cookie, which EWS does not take.
    case AuthErrorCode.CsrfRejected:
      return fault(EwsResponseCode.ErrorAccessDenied, error.message);
    default:
      return assertNever(error.code);
  }
}

function answerForMailboxRefusal(error: EwsAuthException): AuthFailureAnswer {
  switch (error.code) {
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
  throw new Error(`unmapped auth refusal code: ${String(value)}`);
}
