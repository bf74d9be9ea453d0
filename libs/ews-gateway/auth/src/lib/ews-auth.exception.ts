/** Why a caller was refused; each transport (EWS SOAP, Autodiscover) maps these to its own form. */
export enum EwsAuthErrorCode {
  /** No credentials, wrong ones, or a forged/expired token: HTTP 401 with a challenge. */
  Unauthenticated = 'Unauthenticated',
  /** Too many recent failures of this account from this client address, or from this client address. */
  Throttled = 'Throttled',
  /** `ExchangeImpersonation` without the role, or outside its scope. */
  ImpersonateUserDenied = 'ImpersonateUserDenied',
  /** The impersonated mailbox does not exist. */
  NonExistentMailbox = 'NonExistentMailbox',
  /** The request names a mailbox the acting user may not touch. */
  AccessDenied = 'AccessDenied',
}

export class EwsAuthException extends Error {
  constructor(
    readonly code: EwsAuthErrorCode,
    message: string,
    /** For `Throttled`: how long the caller should wait. */
    readonly backOffMs?: number,
  ) {
    super(message);
    this.name = 'EwsAuthException';
  }
}
