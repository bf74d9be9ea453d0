/** Why a request of the web client's endpoints was refused; answered as RFC 9457 problem JSON (`web-client.problem.ts`). */
export enum WebErrorCode {
  MalformedRequest = 'malformed-request',
  UnsupportedMediaType = 'unsupported-media-type',
  PayloadTooLarge = 'payload-too-large',
  BodyTimeout = 'body-timeout',
  InvalidCredentials = 'invalid-credentials',
  NotSignedIn = 'not-signed-in',
  Throttled = 'throttled',
  Forbidden = 'forbidden',
  MethodNotAllowed = 'method-not-allowed',
  NotFound = 'not-found',
  NotBuilt = 'not-built',
  Unavailable = 'unavailable',
}

export class WebException extends Error {
  constructor(
    readonly code: WebErrorCode,
    message: string,
    readonly extras: { retryAfterSeconds?: number; allow?: string } = {},
  ) {
    super(message);
    this.name = 'WebException';
  }
}
