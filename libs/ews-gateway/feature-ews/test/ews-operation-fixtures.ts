import type { ActingMailbox } from '@parley/ews-gateway/auth';
import type { DirectoryUser } from '@parley/directory';
import { type XmlNode } from '@parley/xml';
import { readSoapRequest, soapEnvelope, writeEwsXml } from '@parley/ews-gateway/soap';
import type { EwsOperationContext } from '../src/lib/ews-operation';

// Fixtures for the operation specs: a parsed request as a given mailbox, the answer as the wire carries it.
export const M = 'http://schemas.microsoft.com/exchange/services/2006/messages';
export const T = 'http://schemas.microsoft.com/exchange/services/2006/types';

export function directoryUser(smtpAddress: string, displayName: string, extra: Partial<DirectoryUser> = {}): DirectoryUser {
  return {
    id: smtpAddress,
    smtpAddress,
    displayName,
    sipUri: `sip:${smtpAddress}`,
    phoneExtension: null,
    roles: [],
    impersonationScope: null,
    ...extra,
  };
}

/** A parsed request for `operationXml` (prefixes m and t bound), acting as `mailbox`. */
export function operationContext(operationXml: string, mailbox: DirectoryUser, caller: DirectoryUser = mailbox): EwsOperationContext {
  const body = `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:m="${M}" xmlns:t="${T}"><soap:Body>${operationXml}</soap:Body></soap:Envelope>`;
  const acting: ActingMailbox = { caller, mailbox, impersonating: caller !== mailbox };
  return { request: readSoapRequest(body), acting };
}

/** The response body as the wire carries it (inside `s:Body`). */
export function bodyXml(answer: XmlNode): string {
  const xml = writeEwsXml(soapEnvelope(answer));
  const start = xml.indexOf('<s:Body>') + '<s:Body>'.length;
  return xml.slice(start, xml.lastIndexOf('</s:Body>'));
}
