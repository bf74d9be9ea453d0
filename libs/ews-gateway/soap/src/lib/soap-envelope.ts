import { echo, EwsError, EwsErrorCode } from './ews-error';
import { NS } from './namespaces';
import { type EwsRequestHeaders, readRequestHeaders } from './request-headers';
import type { XmlElement, XmlParseOptions } from '@parley/xml';
import { parseEwsXml } from './ews-xml';

/** A validated EWS request: one operation in the messages namespace, plus its headers. */
export interface SoapRequest {
  /** The operation's local name (`GetFolder`, `FindItem`, …): dispatch on this, not on SOAPAction. */
  readonly operation: string;
  /** The operation element (`m:<Operation>`), to be read by its handler. */
  readonly body: XmlElement;
  readonly headers: EwsRequestHeaders;
  /** The raw `soap:Header`, for headers this lib does not interpret. */
  readonly header: XmlElement | undefined;
  readonly envelope: XmlElement;
}

function schemaError(code: EwsErrorCode, message: string): EwsError {
  return new EwsError(code, message);
}

/** Parses and validates a SOAP 1.1 EWS request. Throws `EwsError` for anything else. */
export function readSoapRequest(input: string | Uint8Array, options: XmlParseOptions = {}): SoapRequest {
  const envelope = parseEwsXml(input, options);
  if (envelope.ns !== NS.SOAP || envelope.local !== 'Envelope') {
    throw schemaError(EwsErrorCode.NotSoapEnvelope, `The root element must be a SOAP 1.1 Envelope ({${NS.SOAP}}Envelope).`);
  }

  // SOAP 1.1 §4: an optional Header first, then exactly one Body; later elements are allowed.
  const soapChildren = envelope.children.filter((c) => c.ns === NS.SOAP);
  const headers = soapChildren.filter((c) => c.local === 'Header');
  const bodies = soapChildren.filter((c) => c.local === 'Body');
  if (bodies.length === 0) throw schemaError(EwsErrorCode.MissingBody, 'The SOAP Envelope has no Body.');
  if (bodies.length > 1 || headers.length > 1) {
    throw schemaError(EwsErrorCode.InvalidEnvelope, 'The SOAP Envelope must have at most one Header and exactly one Body.');
  }
  const header = headers[0];
  const body = bodies[0];
  const expectedOrder = header === undefined ? [body] : [header, body];
  if (expectedOrder.some((el, i) => envelope.children[i] !== el)) {
    throw schemaError(EwsErrorCode.InvalidEnvelope, 'The SOAP Envelope must start with its Header (if any), then its Body.');
  }
  if (envelope.text.trim() !== '') throw schemaError(EwsErrorCode.InvalidEnvelope, 'The SOAP Envelope must not contain text.');

  if (body.text.trim() !== '') throw schemaError(EwsErrorCode.InvalidBody, 'The SOAP Body must not contain text.');
  if (body.children.length !== 1) {
    throw schemaError(EwsErrorCode.InvalidBody, `The SOAP Body must contain exactly one operation; it contains ${body.children.length}.`);
  }
  const operation = body.children[0];
  if (operation.ns !== NS.MESSAGES) {
    throw schemaError(
      EwsErrorCode.WrongOperationNamespace,
      `The operation '${echo(operation.local)}' must be in the namespace ${NS.MESSAGES}.`,
    );
  }

  return { operation: operation.local, body: operation, headers: readRequestHeaders(header), header, envelope };
}
