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
  /**
   * A browser request that may be forged: signed in by the session cookie but an unsafe method without the session's
   * `X-CSRF-Token`, or from an origin that is not allowed (HTTP 403).
   */
  CsrfRejected = 'CsrfRejected',
}

/** What signed the caller in (or tried to): an `Authorization` header, or the web client's session cookie. */
export type CredentialSource = 'authorization' | 'session';

export class AuthException extends Error {
  constructor(
    readonly code: AuthErrorCode,
    message: string,
    /** For `Throttled`: how long the caller should wait before trying again. */
    readonly retryAfterMs?: number,
    /**
     * `session` when the session cookie was what failed: a browser then gets no `WWW-Authenticate: Basic` challenge
     * (it would open its password dialog over the web client).
     */
    readonly source: CredentialSource = 'authorization',
  ) {
    super(message);
    this.name = 'AuthException';
  }
}
