import { clearWebSessionCookie } from '@parley/auth';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { WebErrorCode, WebException } from './web-client.exception';

/**
 * What every answer of the web client carries: a CSP that allows the page only its own origin's scripts, styles,
 * images, media and connections (Lit's constructable stylesheets are not inline styles), no framing, no sniffing, no
 * referrer.
 */
export const WEB_CLIENT_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self'; connect-src 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";

export function setWebClientHeaders(res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', WEB_CLIENT_CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
}

/** Each refusal's status and title; exhaustive, so a new code cannot go out without them. */
export const problemOf: Record<WebErrorCode, { status: number; title: string }> = {
  [WebErrorCode.MalformedRequest]: { status: 400, title: 'The request is not a valid sign-in' },
  [WebErrorCode.UnsupportedMediaType]: { status: 415, title: 'Unsupported media type' },
  [WebErrorCode.PayloadTooLarge]: { status: 413, title: 'The request body is too large' },
  [WebErrorCode.BodyTimeout]: { status: 408, title: 'The request body did not arrive in time' },
  // No WWW-Authenticate on these: a browser would answer a Basic challenge with its own password dialog.
  [WebErrorCode.InvalidCredentials]: { status: 401, title: 'The address or password is wrong' },
  [WebErrorCode.NotSignedIn]: { status: 401, title: 'Not signed in' },
  [WebErrorCode.Throttled]: { status: 429, title: 'Too many failed sign-ins from this client' },
  [WebErrorCode.Forbidden]: { status: 403, title: 'The request was refused' },
  [WebErrorCode.MethodNotAllowed]: { status: 405, title: 'Method not allowed' },
  [WebErrorCode.NotFound]: { status: 404, title: 'Not found' },
  [WebErrorCode.NotBuilt]: { status: 503, title: 'The web client is not built' },
  [WebErrorCode.Unavailable]: { status: 503, title: 'The service is not available' },
};

/** The problem type URI of a code (RFC 9457 §3.1.1). */
export function problemType(code: WebErrorCode): string {
  return `urn:parley:problem:web:${code}`;
}

/** An RFC 9457 problem JSON answer with the web client's headers; a 401 also drops the session cookie. */
export function sendProblem(req: IncomingMessage, res: ServerResponse, error: WebException): void {
  if (res.headersSent) return void res.destroy();
  const { status, title } = problemOf[error.code];
  const bytes = Buffer.from(JSON.stringify({ type: problemType(error.code), title, status, detail: error.message }), 'utf8');
  res.statusCode = status;
  setWebClientHeaders(res);
  res.setHeader('Content-Type', 'application/problem+json');
  res.setHeader('Content-Length', bytes.length);
  res.setHeader('Cache-Control', 'no-store');
  if (error.extras.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(error.extras.retryAfterSeconds));
  if (error.extras.allow !== undefined) res.setHeader('Allow', error.extras.allow);
  if (error.code === WebErrorCode.NotSignedIn) res.setHeader('Set-Cookie', clearWebSessionCookie(req));
  res.end(req.method === 'HEAD' ? undefined : bytes);
}
