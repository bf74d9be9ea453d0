import type { IncomingMessage, ServerResponse } from 'node:http';
import { type XmlNode } from '@parley/xml';
import {
  closeIfBodyUnread,
  EwsResponseCode,
  isAcceptedContentType,
  SOAP_MEDIA_TYPES,
  soapFault,
  writeEwsXml,
} from '@parley/ews-gateway/soap';

export const EWS_REALM = 'Parley';

/**
 * Writes a SOAP envelope (always with ServerVersionInfo: every builder adds it). An early answer
 * (the body not read in full) closes the connection after it (`closeIfBodyUnread`).
 */
export function sendSoap(req: IncomingMessage, res: ServerResponse, status: number, envelope: XmlNode): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = Buffer.from(writeEwsXml(envelope), 'utf8');
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/xml; charset=utf-8');
  res.setHeader('Content-Length', body.length);
  res.setHeader('Cache-Control', 'private');
  closeIfBodyUnread(req, res);
  res.end(body);
}

/** 401 with the challenge clients wait for before they send credentials. */
export function sendChallenge(req: IncomingMessage, res: ServerResponse, bearer: boolean): void {
  res.setHeader('WWW-Authenticate', bearer ? [`Basic realm="${EWS_REALM}"`, `Bearer realm="${EWS_REALM}"`] : `Basic realm="${EWS_REALM}"`);
  sendSoap(
    req,
    res,
    401,
    soapFault({ responseCode: EwsResponseCode.ErrorAccessDenied, faultString: 'The request requires authentication.' }),
  );
}

/** `text/xml` (SOAP 1.1) or `application/soap+xml` (SOAP 1.2); a body without a Content-Type is refused. */
export function acceptableContentType(req: IncomingMessage): boolean {
  return isAcceptedContentType(req.headers['content-type'], SOAP_MEDIA_TYPES);
}
