import { Injectable } from '@nestjs/common';
import type { DirectoryUser } from '@parley/directory';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { AuthErrorCode, AuthException, type CredentialSource } from './auth.exception';
import { Authenticator } from './authenticator';
import { WebOrigins } from './web-origins';
import { CSRF_HEADER, readWebSessionCookie } from './web-session-cookie';
import { type WebSession, WebSessions } from './web-sessions';

/** Who an HTTP request comes from, and by which credentials. */
export interface RequestCaller {
  readonly user: DirectoryUser;
  readonly source: CredentialSource;
  /** The web session, when the cookie signed the request in. */
  readonly session?: WebSession;
}

/** Methods that change something: a cookie-signed one must prove it comes from the web client (CSRF). */
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The one sign-in of an HTTP request for fronts that serve both programs and the web client (the Graph API): the
 * `Authorization` header when there is one (Basic, bearer: `Authenticator`), else the web session cookie. A
 * cookie-signed request with an unsafe method must carry the session's `X-CSRF-Token` and come from an allowed origin
 * (`WebOrigins`): a browser attaches the cookie to whatever a page of any site sends here.
 */
@Injectable()
export class RequestAuthenticator {
  constructor(
    private readonly authenticator: Authenticator,
    private readonly sessions: WebSessions,
    private readonly origins: WebOrigins,
  ) {}

  /** The caller; throws `AuthException` (Unauthenticated, Throttled, CsrfRejected) with the source that failed. */
  async authenticateRequest(req: IncomingMessage, clientAddress: string): Promise<RequestCaller> {
    if (req.headers.authorization !== undefined) {
      return { user: await this.authenticator.authenticate(req.headers.authorization, clientAddress), source: 'authorization' };
    }
    const token = readWebSessionCookie(req);
    if (token === undefined) throw new AuthException(AuthErrorCode.Unauthenticated, 'Credentials are required.');
    const session = await this.sessions.resolve(token);
    if (session === undefined) {
      throw new AuthException(AuthErrorCode.Unauthenticated, 'The session has ended; sign in again.', undefined, 'session');
    }
    if (UNSAFE_METHODS.has((req.method ?? '').toUpperCase())) this.verifyCsrf(req, session);
    return { user: session.user, source: 'session', session };
  }

  /**
   * That a request signed in by `session`'s cookie comes from the web client: an allowed origin (or none, and not
   * `Sec-Fetch-Site: cross-site`) and the session's CSRF token in `X-CSRF-Token`. Throws `AuthException` CsrfRejected.
   */
  verifyCsrf(req: IncomingMessage, session: WebSession): void {
    if (!this.origins.allows(req)) {
      throw new AuthException(AuthErrorCode.CsrfRejected, 'The request comes from an origin that is not allowed.', undefined, 'session');
    }
    if (!sameToken(req.headers[CSRF_HEADER], session.csrfToken)) {
      throw new AuthException(AuthErrorCode.CsrfRejected, `The ${CSRF_HEADER} header is missing or wrong.`, undefined, 'session');
    }
  }
}

/** Compared in constant time (over digests, so that lengths leak nothing either). */
export function sameToken(given: string | string[] | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}
