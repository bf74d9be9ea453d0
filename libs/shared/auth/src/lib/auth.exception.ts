/** Why a caller was refused; each front (EWS SOAP, Autodiscover, Graph REST, WebSocket, …) maps these to its own answer. */
export enum AuthErrorCode {
  /** No credentials, wrong ones, or a forged/expired token: the front's challenge (HTTP 401). */
  Unauthenticated = 'Unauthenticated',
  /** Too many recent failures of this account from this client address, or from this client address. */
  Throttled = 'Throttled',
  /** Acting for another mailbox without the ApplicationImpersonation role, or outside its scope. */
  ImpersonationDenied = 'ImpersonationDenied',
  /** Acting for a mailbox that does not exist (told only to callers holding the role). */
  UnknownMailbox = 'UnknownMailbox',
}

export class AuthException extends Error {
  constructor(
    readonly code: AuthErrorCode,
    message: string,
    /** For `Throttled`: how long the caller should wait before trying again. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'AuthException';
  }
}
