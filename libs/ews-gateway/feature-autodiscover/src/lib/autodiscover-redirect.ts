import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

/** What the plain-HTTP redirect decision reads from a `GET /autodiscover/autodiscover.xml`. */
export interface AutodiscoverGet {
  /** The `Authorization` header: a GET with credentials is a client signing in, never redirected. */
  authorization: string | undefined;
  /** `X-Forwarded-Proto`, as a TLS-terminating proxy sets it (`https`) or a plain-HTTP front end (`http`). */
  forwardedProto: string | undefined;
  /** The `Host` header; only ever used to decide *not* to redirect, never to build the target. */
  host: string | undefined;
  /** Whether the connection to Parley itself is TLS (it never is today: TLS ends at the proxy). */
  overTls: boolean;
}

export function autodiscoverGetOf(req: IncomingMessage): AutodiscoverGet {
  const forwarded = req.headers['x-forwarded-proto'];
  return {
    authorization: req.headers.authorization,
    forwardedProto: Array.isArray(forwarded) ? forwarded[0] : forwarded,
    host: req.headers.host,
    overTls: (req.socket as Partial<TLSSocket>).encrypted === true,
  };
}

/**
 * The Autodiscover "HTTP redirect method": clients that found nothing at
 * `https://<domain>/…` and `https://autodiscover.<domain>/…` send an unauthenticated
 * `GET http://autodiscover.<domain>/autodiscover/autodiscover.xml` and expect a 302 to the HTTPS
 * Autodiscover URL to use. Answers that URL — always `<publicUrl>/autodiscover/autodiscover.xml`,
 * never anything taken from the request (no open redirect) — or undefined when the GET is to be
 * answered as before (401 challenge, or the POX settings of the signed-in caller):
 *
 * - the GET carries credentials (a client signing in, not probing);
 * - the public URL is not HTTPS (clients accept only an HTTPS target, and there is nothing to
 *   upgrade to);
 * - the request reached the front end over HTTPS: `X-Forwarded-Proto` is `https` (or anything but
 *   `http`), or the connection itself is TLS. Clients probe the HTTPS URLs without credentials
 *   too and read the 401 there; a redirect would send them in a circle;
 * - without `X-Forwarded-Proto`, the `Host` is the public host itself: then Parley cannot tell a
 *   plain-HTTP request from one a TLS proxy forwarded without the header, and a redirect to the
 *   URL the client may just have asked for could only loop.
 *
 * `X-Forwarded-Proto` is honoured from any sender (Parley has no trusted-proxy list): it only
 * chooses between a redirect to the configured URL and the 401 every unauthenticated request gets
 * anyway, so a forged value gains nothing.
 */
export function plainHttpRedirect(get: AutodiscoverGet, publicUrl: string): string | undefined {
  if (get.authorization !== undefined && get.authorization.trim() !== '') return undefined;
  const target = new URL(publicUrl);
  if (target.protocol !== 'https:' || get.overTls) return undefined;
  const proto = get.forwardedProto?.split(',')[0].trim().toLowerCase();
  if (proto !== undefined && proto !== '') {
    if (proto !== 'http') return undefined;
  } else if (get.host !== undefined && hostnameOf(get.host) === target.hostname.toLowerCase()) {
    return undefined;
  }
  return `${publicUrl.replace(/\/+$/, '')}/autodiscover/autodiscover.xml`;
}

/** `mail.example.com:8080` → `mail.example.com`; `[::1]:80` → `[::1]` (as `URL.hostname` writes it). */
function hostnameOf(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const colon = h.indexOf(':');
  return colon === -1 ? h : h.slice(0, colon);
}
