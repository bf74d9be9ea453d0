import type { IncomingMessage } from 'node:http';

/** The session cookie's name over plain HTTP (the embedded app on 127.0.0.1). */
export const WEB_SESSION_COOKIE = 'parley_session';
/**
 * Its name over HTTPS: the `__Host-` prefix makes browsers take it only with `Secure`, `Path=/` and no `Domain`, so a
 * sibling subdomain or a plain-HTTP response cannot plant one.
 */
export const SECURE_WEB_SESSION_COOKIE = `__Host-${WEB_SESSION_COOKIE}`;
/** The header a cookie-signed request with an unsafe method carries the session's CSRF token in. */
export const CSRF_HEADER = 'x-csrf-token';

/** Whether the client reached Parley over HTTPS: a TLS socket, or a TLS-terminating proxy's `X-Forwarded-Proto: https`. */
export function isHttpsRequest(req: IncomingMessage): boolean {
  if ((req.socket as { encrypted?: boolean }).encrypted === true) return true;
  const forwarded = req.headers['x-forwarded-proto'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0].trim().toLowerCase();
  return first === 'https';
}

/** The session cookie's name for this request (the `__Host-` one over HTTPS). */
export function webSessionCookieName(req: IncomingMessage): string {
  return isHttpsRequest(req) ? SECURE_WEB_SESSION_COOKIE : WEB_SESSION_COOKIE;
}

/**
 * The session token the request's `Cookie` header carries under this request's cookie name, or undefined. Over HTTPS
 * only the `__Host-` cookie counts: a plain one there may have been set by someone else.
 */
export function readWebSessionCookie(req: IncomingMessage): string | undefined {
  const header = req.headers.cookie;
  if (header === undefined) return undefined;
  const name = webSessionCookieName(req);
  for (const pair of header.split(';')) {
    const equals = pair.indexOf('=');
    if (equals === -1 || pair.slice(0, equals).trim() !== name) continue;
    const value = pair.slice(equals + 1).trim();
    return value === '' ? undefined : value;
  }
  return undefined;
}

/** `Set-Cookie` for a new session: host-only, the whole site, script-proof, same-site requests only; `Secure` over HTTPS. */
export function serializeWebSessionCookie(req: IncomingMessage, token: string, maxAgeSeconds: number): string {
  return cookieOf(req, token, Math.max(0, Math.floor(maxAgeSeconds)));
}

/** `Set-Cookie` that removes the session cookie. */
export function clearWebSessionCookie(req: IncomingMessage): string {
  return cookieOf(req, '', 0);
}

function cookieOf(req: IncomingMessage, value: string, maxAgeSeconds: number): string {
  const secure = isHttpsRequest(req);
  const attributes = [`${secure ? SECURE_WEB_SESSION_COOKIE : WEB_SESSION_COOKIE}=${value}`, 'Path=/', `Max-Age=${maxAgeSeconds}`];
  attributes.push('HttpOnly', 'SameSite=Strict');
  if (secure) attributes.push('Secure');
  return attributes.join('; ');
}
