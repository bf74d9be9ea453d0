/**
 * The POX Autodiscover error codes ([MS-OXDSCLI] `ErrorCode`), answered inside an Autodiscover
 * response (`Autodiscover/Response/Error`), never as a SOAP fault.
 */
export enum PoxErrorCode {
  /** The email address cannot be found. */
  EmailNotFound = 500,
  /** The request is not well-formed XML, not a POX Autodiscover request, or misses a required element. */
  InvalidRequest = 600,
  /** No provider for the `AcceptableResponseSchema` asked for (Parley answers only the Outlook 2006a one). */
  SchemaNotAvailable = 601,
  /** The server failed (or is too busy to answer). */
  InternalError = 603,
}

/** A POX request Parley refuses with an Autodiscover error response. */
export class PoxAutodiscoverException extends Error {
  constructor(
    readonly code: PoxErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PoxAutodiscoverException';
  }
}
