import type { IncomingMessage } from 'node:http';
import { isHttpsRequest } from './web-session-cookie';

/** A `Host` header worth building an origin from (a name or address, an optional port). */
const HOST = /^[A-Za-z0-9.-]{1,253}(:\d{1,5})?$|^\[[0-9A-Fa-f:.]{2,45}\](:\d{1,5})?$/;

/**
 * Which browser origins may use the session cookie (the one place that decides it): the request's own (its `Host` with
 * the scheme it came in by), and the configured ones (`PARLEY_WEB_ALLOWED_ORIGINS`, `PARLEY_PUBLIC_URL`'s). Used for
 * the sign-in (login CSRF), for unsafe cookie-signed requests and for the presence WebSocket's upgrade.
 */
export class WebOrigins {
  private readonly allowed: ReadonlySet<string>;

  constructor(allowedOrigins: readonly string[]) {
    this.allowed = new Set(allowedOrigins.map((o) => serializedOrigin(o)).filter((o): o is string => o !== undefined));
  }

  /**
   * Whether the request may act with the browser's session: refused when the browser says it comes from another site
   * (`Sec-Fetch-Site: cross-site`) or names an origin that is not allowed; a request without `Origin` (not a browser's
   * cross-origin one) passes.
   */
  allows(req: IncomingMessage): boolean {
    if (headerOf(req, 'sec-fetch-site')?.toLowerCase() === 'cross-site') return false;
    const origin = headerOf(req, 'origin');
    return origin === undefined || this.isAllowed(origin, req);
  }

  /** Whether `origin` (an `Origin` header) is the request's own or a configured one. `null` (opaque origins) never is. */
  isAllowed(origin: string, req: IncomingMessage): boolean {
    // Browsers send the serialized form; anything else (a path, upper case, a default port) is not from one.
    const given = serializedOrigin(origin);
    if (given === undefined || given !== origin) return false;
    return given === ownOrigin(req) || this.allowed.has(given);
  }
}

/** `<scheme>://<Host>` of the request, serialized; undefined without a usable `Host`. */
function ownOrigin(req: IncomingMessage): string | undefined {
  const host = req.headers.host;
  if (host === undefined || !HOST.test(host)) return undefined;
  return serializedOrigin(`${isHttpsRequest(req) ? 'https' : 'http'}://${host}`);
}

/** The serialized form of an http(s) origin (lower-case host, no default port); undefined for anything else. */
function serializedOrigin(text: string): string | undefined {
  if (text.length > 300) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password) return undefined;
  return url.origin;
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
