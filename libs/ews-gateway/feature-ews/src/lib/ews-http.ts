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
  if (shouldCloseAfterReply(req, bodyLimit)) res.setHeader('Connection', 'close');
  res.end(body);
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

export function sourceAddress(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? 'unknown';
}
