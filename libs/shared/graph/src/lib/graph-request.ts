import type { LoggerService } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { GRAPH_API_ROOT } from './graph-routes';
import { accessDenied, badRequest, GraphErrorCode, GraphRequestError } from './graph-error';
import { sendGraphError } from './graph-http';

const REALM = 'Parley';

/**
 * Why a sign-in was refused, as `@parley/auth` says it (its `AuthException`). Typed by the codes'
 * values so that this util needs no data-access import; a code added there fails to compile here.
 */
export interface SignInRefusal {
  code: 'Unauthenticated' | 'Throttled' | 'ImpersonationDenied' | 'UnknownMailbox' | 'CsrfRejected';
  retryAfterMs?: number;
  /** What was refused: the `Authorization` header, or the web client's session cookie. */
  source?: 'authorization' | 'session';
  message: string;
}

/**
 * Exhaustive over the sign-in refusals: 401 `InvalidAuthenticationToken` with the challenge (none when
 * the web client's session failed: a browser would open its password dialog), 429 `TooManyRequests`
 * with `Retry-After` in seconds (Graph throttles so; its SDKs wait for it), 403 for a cookie request
 * without its CSRF token or from another origin.
 */
export function graphSignInRefusal(refusal: SignInRefusal, bearerEnabled: boolean): GraphRequestError {
  switch (refusal.code) {
    case 'Unauthenticated': {
      if (refusal.source === 'session')
        return new GraphRequestError(401, GraphErrorCode.InvalidAuthenticationToken, 'The web session has ended; sign in again.');
      const challenge = bearerEnabled ? [`Basic realm="${REALM}"`, `Bearer realm="${REALM}"`] : `Basic realm="${REALM}"`;
      return new GraphRequestError(
        401,
        GraphErrorCode.InvalidAuthenticationToken,
        'Access token is empty, invalid or expired, or the credentials are wrong.',
        { 'WWW-Authenticate': challenge },
      );
    }
    case 'Throttled': {
      const seconds = Math.max(1, Math.ceil((refusal.retryAfterMs ?? 1000) / 1000));
      return new GraphRequestError(429, GraphErrorCode.TooManyRequests, 'Too many failed sign-ins from this client; retry later.', {
        'Retry-After': String(seconds),
      });
    }
    case 'ImpersonationDenied':
    case 'UnknownMailbox':
      // Not raised by sign-in; answered as the services answer them, should a future sign-in step raise them.
      return accessDenied();
    case 'CsrfRejected':
      return new GraphRequestError(403, GraphErrorCode.AuthorizationRequestDenied, refusal.message);
    default:
      return assertNever(refusal.code);
  }
}

/** A JSON body checked against `schema`; the first problem becomes Graph's 400, naming the property. */
export function parseGraphBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  if (body === undefined) throw badRequest('The request needs a JSON body.');
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue.path.length ? `'${issue.path.join('.')}'` : 'The body';
  throw badRequest(`${where}: ${issue.message}`);
}

/** `<scheme>://<host>/api/v1.0/$metadata`, the base of Graph's `@odata.context` values, from the request's own address. */
export function graphMetadataUrl(req: IncomingMessage): string {
  const host = req.headers.host;
  const forwarded = String(req.headers['x-forwarded-proto'] ?? '').toLowerCase();
  const scheme = forwarded === 'https' || (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
  const root = host && /^[A-Za-z0-9.:[\]-]{1,300}$/.test(host) ? `${scheme}://${host}${GRAPH_API_ROOT}` : GRAPH_API_ROOT;
  return `${root}/$metadata`;
}

/**
 * Runs `work`, answering whatever it throws as Graph's error body: a `GraphRequestError` as itself,
 * anything else as `500 generalException` (logged; the client learns nothing more).
 */
export async function answerGraphRequest(
  req: IncomingMessage,
  res: ServerResponse,
  logger: Pick<LoggerService, 'error'> & { debug(message: string): void },
  work: () => Promise<void>,
): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (error instanceof GraphRequestError) {
      logger.debug(`refused: ${error.status} ${error.code} ${error.message}`);
      return sendGraphError(req, res, error);
    }
    logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    sendGraphError(req, res, new GraphRequestError(500, GraphErrorCode.GeneralException, 'The request could not be completed.'));
  }
}

function assertNever(value: never): never {
  throw new Error(`unmapped sign-in refusal: ${String(value)}`);
}
