import { All, Controller, Delete, Get, Inject, Logger, Post, Req, Res } from '@nestjs/common';
import {
  AuthErrorCode,
  AuthException,
  clientAddressOf,
  readWebSessionCookie,
  RequestAuthenticator,
  serializeWebSessionCookie,
  clearWebSessionCookie,
  type WebSession,
  WebOrigins,
  WebSessions,
} from '@parley/auth';
import { BodyTimeoutError, BodyTooLargeError, readRawBody } from '@parley/ews-gateway/soap';
import { closeIfBodyUnread } from '@parley/observability';
import { ClientAddressResolver } from '@parley/sign-in';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { WebErrorCode, WebException } from './web-client.exception';
import { MAX_SIGN_IN_BODY_BYTES, WEB_CLIENT_OPTIONS, WEB_SESSION_PATH, type WebClientOptions } from './web-client.options';
import { sendProblem, setWebClientHeaders } from './web-client.problem';

/** What `POST /web/session` takes; lengths are checked again (and control characters refused) by the sign-in. */
const signInBody = z.object({
  address: z.string().min(1).max(320),
  password: z.string().min(1).max(1024),
});

const ALLOWED_METHODS = 'GET, HEAD, POST, DELETE';

/**
 * HTTP only: the web client's sign-in session (`/web/session`, docs/architecture.md, "Web client sign-in"). Sessions
 * and the password check are `@parley/auth`'s (`WebSessions`: the same throttle as Basic); every refusal is problem
 * JSON, never a `WWW-Authenticate` challenge (a browser would show its password dialog).
 */
@Controller(WEB_SESSION_PATH.slice(1))
export class WebSessionController {
  private readonly logger = new Logger('WebSession');

  constructor(
    private readonly sessions: WebSessions,
    private readonly requests: RequestAuthenticator,
    private readonly origins: WebOrigins,
    private readonly clientAddresses: ClientAddressResolver,
    @Inject(WEB_CLIENT_OPTIONS) private readonly options: WebClientOptions,
  ) {}

  /** Signs in: `{"address","password"}` → the session (and its cookie). */
  @Post()
  signIn(@Req() req: IncomingMessage, @Res() res: ServerResponse): Promise<void> {
    return this.answer(req, res, async () => {
      // Login CSRF: a page of another site must not sign the browser in to an account of its choosing.
      if (!this.origins.allows(req)) throw new WebException(WebErrorCode.Forbidden, 'Sign-in is accepted only from the web client.');
      const { address, password } = await this.readSignIn(req);
      const clientAddress = clientAddressOf(this.clientAddresses, req);
      const started = await this.sessions.signIn(address, password, clientAddress);
      // A browser signing in again gets a new session (never one a page could have fixed); its previous one ends.
      const previous = readWebSessionCookie(req);
      if (previous !== undefined) await this.sessions.signOut(previous);
      res.setHeader('Set-Cookie', serializeWebSessionCookie(req, started.token, (started.endsAt.getTime() - Date.now()) / 1000));
      this.sendSession(req, res, started);
    });
  }

  /** Who is signed in: the session, or 401. */
  @Get()
  current(@Req() req: IncomingMessage, @Res() res: ServerResponse): Promise<void> {
    return this.answer(req, res, async () => this.sendSession(req, res, await this.requireSession(req)));
  }

  /** Signs out (with the session's CSRF token): the session ends on every replica and the cookie is dropped. */
  @Delete()
  signOut(@Req() req: IncomingMessage, @Res() res: ServerResponse): Promise<void> {
    return this.answer(req, res, async () => {
      const session = await this.requireSession(req);
      this.requests.verifyCsrf(req, session);
      await this.sessions.signOut(readWebSessionCookie(req) ?? '');
      setWebClientHeaders(res);
      res.statusCode = 204;
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('Set-Cookie', clearWebSessionCookie(req));
      res.end();
    });
  }

  @All()
  otherMethod(@Req() req: IncomingMessage, @Res() res: ServerResponse): void {
    sendProblem(
      req,
      res,
      new WebException(WebErrorCode.MethodNotAllowed, `${WEB_SESSION_PATH} supports ${ALLOWED_METHODS}.`, { allow: ALLOWED_METHODS }),
    );
  }

  private async requireSession(req: IncomingMessage): Promise<WebSession> {
    const token = readWebSessionCookie(req);
    const session = token === undefined ? undefined : await this.sessions.resolve(token);
    if (session === undefined) throw new WebException(WebErrorCode.NotSignedIn, 'Sign in with POST /web/session.');
    return session;
  }

  private async readSignIn(req: IncomingMessage): Promise<z.output<typeof signInBody>> {
    const mediaType = String(req.headers['content-type'] ?? '')
      .split(';')[0]
      .trim()
      .toLowerCase();
    if (mediaType !== 'application/json') {
      throw new WebException(WebErrorCode.UnsupportedMediaType, 'Send the sign-in as application/json.');
    }
    let body: Buffer;
    try {
      body = await readRawBody(req, MAX_SIGN_IN_BODY_BYTES, this.options.bodyTimeoutMs);
    } catch (error) {
      if (error instanceof BodyTooLargeError) throw new WebException(WebErrorCode.PayloadTooLarge, error.message);
      if (error instanceof BodyTimeoutError) throw new WebException(WebErrorCode.BodyTimeout, error.message);
      throw error;
    }
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
    } catch {
      throw new WebException(WebErrorCode.MalformedRequest, 'The body is not JSON (UTF-8).');
    }
    const parsed = signInBody.safeParse(json);
    if (!parsed.success) {
      throw new WebException(WebErrorCode.MalformedRequest, 'The body must be {"address": "<SMTP address>", "password": "<password>"}.');
    }
    return parsed.data;
  }

  private sendSession(req: IncomingMessage, res: ServerResponse, session: WebSession): void {
    const bytes = Buffer.from(
      JSON.stringify({
        address: session.user.smtpAddress,
        displayName: session.user.displayName,
        csrfToken: session.csrfToken,
        expiresAt: session.expiresAt.toISOString(),
      }),
      'utf8',
    );
    setWebClientHeaders(res);
    res.statusCode = 200;
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Content-Length', bytes.length);
    res.setHeader('Cache-Control', 'no-store');
    res.end(req.method === 'HEAD' ? undefined : bytes);
  }

  /** Runs `work`; refusals become problem JSON (the connection closes when the body was left unread). */
  private async answer(req: IncomingMessage, res: ServerResponse, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      const refusal = this.refusalOf(error);
      closeIfBodyUnread(req, res);
      sendProblem(req, res, refusal);
    }
  }

  /** Exhaustive over the sign-in refusals. */
  private refusalOf(error: unknown): WebException {
    if (error instanceof WebException) return error;
    if (!(error instanceof AuthException)) {
      this.logger.error(`web session request failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return new WebException(WebErrorCode.Unavailable, 'The request could not be handled now; try again.', { retryAfterSeconds: 5 });
    }
    switch (error.code) {
      case AuthErrorCode.Unauthenticated:
        return new WebException(WebErrorCode.InvalidCredentials, 'The address or password is wrong.');
      case AuthErrorCode.Throttled:
        return new WebException(WebErrorCode.Throttled, 'Too many failed sign-ins from this client; try again later.', {
          retryAfterSeconds: Math.max(1, Math.ceil((error.retryAfterMs ?? 1000) / 1000)),
        });
      case AuthErrorCode.CsrfRejected:
        return new WebException(WebErrorCode.Forbidden, error.message);
      // Not raised by a sign-in (nobody acts for another mailbox here).
      case AuthErrorCode.ImpersonationDenied:
      case AuthErrorCode.UnknownMailbox:
        return new WebException(WebErrorCode.Forbidden, error.message);
      default:
        return assertNever(error.code);
    }
  }
}

function assertNever(value: never): never {
  throw new Error(`unmapped sign-in refusal: ${String(value)}`);
}
