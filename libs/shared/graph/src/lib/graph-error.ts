/**
 * The error codes Parley's Graph API answers with: the ones Microsoft Graph itself returns for the
 * same situations, so clients written against Graph (and its SDKs, which surface `code`) react alike.
 */
export const GraphErrorCode = {
  /** 400: a body that is not JSON, a missing or invalid property, an unsupported value. */
  BadRequest: 'BadRequest',
  /** 401: no credentials, or ones that do not sign in (Graph: an absent, expired or invalid token). */
  InvalidAuthenticationToken: 'InvalidAuthenticationToken',
  /** 403: acting on another user's data without the impersonation role (Graph's directory answer). */
  AuthorizationRequestDenied: 'Authorization_RequestDenied',
  /** 404: the user in the path does not exist (Graph's directory answer for an unknown user). */
  ResourceNotFound: 'Request_ResourceNotFound',
  /** 404: a message, attachment or folder that is not in the mailbox (Exchange's code, which Graph's mail API answers). */
  ItemNotFound: 'ErrorItemNotFound',
  /** 400: a message or attachment id that is no such id at all (Graph's mail API answers it so). */
  InvalidIdMalformed: 'ErrorInvalidIdMalformed',
  /** 416: a byte range past the end of the content (answered with a `Content-Range` naming the size). */
  RangeNotSatisfiable: 'RequestedRangeNotSatisfiable',
  /** 405: a known path with a method it does not serve. */
  MethodNotAllowed: 'MethodNotAllowed',
  /** 408: the request body did not arrive in time. */
  RequestTimeout: 'RequestTimeout',
  /** 413: a request body over the limit. */
  RequestEntityTooLarge: 'RequestEntityTooLarge',
  /** 415: a body that is not `application/json`. */
  UnsupportedMediaType: 'UnsupportedMediaType',
  /** 429: too many failed sign-ins from this client (with `Retry-After`), as Graph throttles. */
  TooManyRequests: 'TooManyRequests',
  /** 503: the owner of the data did not answer in time (with `Retry-After`); Graph's clients retry it. */
  ServiceNotAvailable: 'serviceNotAvailable',
  /** 500: anything unexpected; the details go to the log, not to the client. */
  GeneralException: 'generalException',
} as const;
export type GraphErrorCode = (typeof GraphErrorCode)[keyof typeof GraphErrorCode];

/** A refusal answered as Graph's error body `{"error":{"code","message","innerError"}}` with `status`. */
export class GraphRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: GraphErrorCode,
    message: string,
    /** Extra response headers (`WWW-Authenticate`, `Retry-After`, `Allow`). */
    readonly headers: Readonly<Record<string, string | string[]>> = {},
  ) {
    super(message);
    this.name = 'GraphRequestError';
  }
}

export const badRequest = (message: string) => new GraphRequestError(400, GraphErrorCode.BadRequest, message);

export const userNotFound = (id: string) =>
  new GraphRequestError(
    404,
    GraphErrorCode.ResourceNotFound,
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );

export const itemNotFound = () =>
  new GraphRequestError(404, GraphErrorCode.ItemNotFound, 'The specified object was not found in the store.');

export const idMalformed = () => new GraphRequestError(400, GraphErrorCode.InvalidIdMalformed, 'Id is malformed.');

export const accessDenied = () =>
  new GraphRequestError(403, GraphErrorCode.AuthorizationRequestDenied, 'Insufficient privileges to complete the operation.');
