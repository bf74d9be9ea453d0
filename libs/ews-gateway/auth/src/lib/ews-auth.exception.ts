/**
 * Why EWS refuses which mailbox a request acts on; each EWS transport (SOAP, Autodiscover) maps
 * these to its own form. Sign-in refusals are `AuthException`s of `@parley/auth`.
 */
export enum EwsAuthErrorCode {
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
  ) {
    super(message);
    this.name = 'EwsAuthException';
  }
}
