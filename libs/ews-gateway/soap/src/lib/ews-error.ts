import { EwsResponseCode } from './response-code';

/**
 * Why a request was refused. Finer than the EWS code it maps to (several reasons share
 * `ErrorSchemaValidation`) so that logs and metrics can tell a billion-laughs attempt from a typo.
 */
export enum EwsErrorCode {
  /** The request body exceeds the configured byte limit. */
  TooLarge = 'TooLarge',
  /** Not UTF-8 (or declares another encoding). */
  InvalidEncoding = 'InvalidEncoding',
  /** A DOCTYPE/ENTITY (or any other `<!` markup declaration): refused before any expansion. */
  DtdForbidden = 'DtdForbidden',
  /** Element nesting deeper than the configured maximum. */
  TooDeep = 'TooDeep',
  /** More elements than the configured maximum. */
  TooManyElements = 'TooManyElements',
  /** More attributes on one element, or in the document, than the configured maxima. */
  TooManyAttributes = 'TooManyAttributes',
  /** An attribute value, an element's text or the document's text longer than the configured maxima. */
  TooLong = 'TooLong',
  /** Not well-formed XML, or not namespace-well-formed (unbound prefix, …). */
  MalformedXml = 'MalformedXml',
  /** The root is not a SOAP 1.1 `Envelope`. */
  NotSoapEnvelope = 'NotSoapEnvelope',
  /** No `soap:Body`. */
  MissingBody = 'MissingBody',
  /** `Header`/`Body` repeated or out of order, or stray content in the Envelope. */
  InvalidEnvelope = 'InvalidEnvelope',
  /** `soap:Body` holds no operation, several, or stray text. */
  InvalidBody = 'InvalidBody',
  /** The operation element is not in the EWS messages namespace. */
  WrongOperationNamespace = 'WrongOperationNamespace',
  /** A known SOAP header violates its schema (repeated, missing attribute, bad value). */
  InvalidHeader = 'InvalidHeader',
  /** `ExchangeImpersonation` names no usable identity. */
  InvalidImpersonationHeader = 'InvalidImpersonationHeader',
  /** `RequestServerVersion@Version` is not a version this server serves. */
  InvalidServerVersion = 'InvalidServerVersion',
  /** A value in the request has the wrong lexical form (e.g. an `xs:dateTime`) or a required element is missing. */
  InvalidValue = 'InvalidValue',
  /** Well-formed and schema-valid, but not acceptable (e.g. an unzoned date where a zone is required). */
  InvalidRequest = 'InvalidRequest',
  /** A valid EWS operation this server does not implement. */
  UnsupportedOperation = 'UnsupportedOperation',
  /** More ids or items in one request than the configured batch limit (GetItem, CreateItem, …). */
  TooManyItems = 'TooManyItems',
  /** GetUserAvailability names more mailboxes than the configured limit (Exchange's is 100). */
  TooManyMailboxes = 'TooManyMailboxes',
  /** Throttled: the client should retry after `backOffMs`. */
  ServerBusy = 'ServerBusy',
}

/** Where in the request a schema problem was found (echoed in the fault's `t:MessageXml`). */
export interface EwsErrorLocation {
  readonly line: number;
  readonly position: number;
}

export interface EwsErrorOptions {
  readonly location?: EwsErrorLocation;
  /** Throttling hint, for `ServerBusy`. */
  readonly backOffMs?: number;
}

/**
 * A request-level failure. `message` is sent to the client, so it must never carry internals
 * (stack traces, SQL, other users' data); echo request values only when short and useful.
 */
export class EwsError extends Error {
  readonly responseCode: EwsResponseCode;
  readonly location: EwsErrorLocation | undefined;
  readonly backOffMs: number | undefined;

  constructor(
    readonly code: EwsErrorCode,
    message: string,
    options: EwsErrorOptions = {},
  ) {
    super(message);
    this.name = 'EwsError';
    this.responseCode = ewsResponseCodeFor(code);
    this.location = options.location;
    this.backOffMs = options.backOffMs;
  }
}

/** The EWS `ResponseCode` for each reason. Exhaustive: a new reason fails to compile until mapped. */
export function ewsResponseCodeFor(code: EwsErrorCode): EwsResponseCode {
  switch (code) {
    case EwsErrorCode.TooLarge:
    case EwsErrorCode.InvalidEncoding:
    case EwsErrorCode.DtdForbidden:
    case EwsErrorCode.TooDeep:
    case EwsErrorCode.TooManyElements:
    case EwsErrorCode.TooManyAttributes:
    case EwsErrorCode.TooLong:
    case EwsErrorCode.MalformedXml:
    case EwsErrorCode.NotSoapEnvelope:
    case EwsErrorCode.MissingBody:
    case EwsErrorCode.InvalidEnvelope:
    case EwsErrorCode.InvalidBody:
    case EwsErrorCode.WrongOperationNamespace:
    case EwsErrorCode.InvalidHeader:
    case EwsErrorCode.InvalidValue:
      return EwsResponseCode.ErrorSchemaValidation;
    case EwsErrorCode.InvalidImpersonationHeader:
      return EwsResponseCode.ErrorInvalidExchangeImpersonationHeaderData;
    case EwsErrorCode.InvalidServerVersion:
      return EwsResponseCode.ErrorInvalidServerVersion;
    case EwsErrorCode.InvalidRequest:
    case EwsErrorCode.UnsupportedOperation:
    case EwsErrorCode.TooManyItems:
      return EwsResponseCode.ErrorInvalidRequest;
    case EwsErrorCode.TooManyMailboxes:
      return EwsResponseCode.ErrorMailboxDataArrayTooBig;
    case EwsErrorCode.ServerBusy:
      return EwsResponseCode.ErrorServerBusy;
    default:
      return assertNever(code);
  }
}

function assertNever(value: never): never {
  throw new Error(`unmapped EwsErrorCode: ${String(value)}`);
}

/** Shortens a client-supplied value before it is echoed in an error message. */
export function echo(value: string, max = 64): string {
  return value.length <= max ? value : `${value.slice(0, max)}…`;
}
