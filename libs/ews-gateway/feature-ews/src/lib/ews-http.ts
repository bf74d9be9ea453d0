import type { IncomingMessage, ServerResponse } from 'node:http';
import { EwsResponseCode, shouldCloseAfterReply, soapFault, writeXml, type XmlNode } from '@parley/ews-gateway/soap';

export const EWS_REALM = 'Parley';

/** Writes a SOAP envelope (always with ServerVersionInfo: every builder adds it). */
export function sendSoap(req: IncomingMessage, res: ServerResponse, status: number, envelope: XmlNode, bodyLimit: number): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = Buffer.from(writeXml(envelope), 'utf8');
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/xml; charset=utf-8');
  res.setHeader('Content-Length', body.length);
  res.setHeader('Cache-Control', 'private');
  if (shouldCloseAfterReply(req, bodyLimit)) {
    res.setHeader('Connection', 'close');
    lingerThenClose(req, res);
  }
  res.end(body);
}

/** How long, and how much, an unread request body is discarded after an early reply. */
const LINGER_MS = 2_000;
const LINGER_MAX_BYTES = 8 * 1024 * 1024;

/**
 * Lingering close. After an early reply (413) the client may still be sending. Node's server ends
 * a `Connection: close` socket with `destroySoon()`, and destroying a socket with unread input
 * makes the kernel send a reset, which can wipe our reply before the client has read it. So for
 * this socket we only half-close (FIN after the reply), then read and discard the rest for a short,
 * bounded while (time and bytes) before destroying it; an oversized body is never read in full.
 */
function lingerThenClose(req: IncomingMessage, res: ServerResponse): void {
  const socket = req.socket;
  const lingering = socket as typeof socket & { destroySoon?: () => void };
  lingering.destroySoon = () => socket.end();
  res.once('finish', () => {
    let discarded = 0;
    const timer = setTimeout(() => socket.destroy(), LINGER_MS);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
    socket.once('end', () => socket.destroy());
    req.on('data', (chunk: Buffer) => {
      discarded += chunk.length;
      if (discarded > LINGER_MAX_BYTES) socket.destroy();
    });
    req.resume();
  });
}

/** 401 with the challenge clients wait for before they send credentials. */
export function sendChallenge(req: IncomingMessage, res: ServerResponse, bodyLimit: number, bearer: boolean): void {
  res.setHeader('WWW-Authenticate', bearer ? [`Basic realm="${EWS_REALM}"`, `Bearer realm="${EWS_REALM}"`] : `Basic realm="${EWS_REALM}"`);
  sendSoap(req, res, 401, soapFault({ responseCode: EwsResponseCode.ErrorAccessDenied, faultString: 'The request requires authentication.' }), bodyLimit);
}

/** `text/xml` (SOAP 1.1) or `application/soap+xml`; a missing Content-Type is tolerated. */
export function acceptableContentType(req: IncomingMessage): boolean {
  const type = req.headers['content-type'];
  if (type === undefined || type.trim() === '') return true;
  const media = type.split(';')[0].trim().toLowerCase();
  return media === 'text/xml' || media === 'application/soap+xml' || media === 'application/xml';
}
