import { NS } from './namespaces';
import { EwsResponseCode, type ResponseClass } from './response-code';
import { DEFAULT_SERVER_VERSION, type ServerVersionInfo, serverVersionInfoElement } from './server-version';
import { el, withNamespaces, type XmlContent, type XmlContentItem, type XmlNode } from '@parley/xml';

/**
 * `s:Envelope` with `t:ServerVersionInfo` in `s:Header` — every response carries it, faults
 * included, since clients read the server version from whatever their first call returns.
 * `s`, `m` and `t` are declared once, on the envelope.
 */
export function soapEnvelope(body: XmlContent, serverVersion: ServerVersionInfo = DEFAULT_SERVER_VERSION): XmlNode {
  const envelope = el(NS.SOAP, 'Envelope', {}, [
    el(NS.SOAP, 'Header', {}, serverVersionInfoElement(serverVersion)),
    el(NS.SOAP, 'Body', {}, body),
  ]);
  return withNamespaces(envelope, { s: NS.SOAP, m: NS.MESSAGES, t: NS.TYPES });
}

interface ResponseMessageCommon {
  /** Defaults to Success for NoError and Error otherwise; Warning must be asked for. */
  readonly responseClass?: ResponseClass;
  /** Children of `m:MessageXml` (e.g. `backOffValue(…)`). */
  readonly messageXml?: XmlContent;
  /** The operation-specific elements that follow the standard ones (`m:Folders`, `m:RootFolder`, …). */
  readonly content?: XmlContent;
}

export interface SuccessMessageSpec extends ResponseMessageCommon {
  readonly responseCode?: typeof EwsResponseCode.NoError;
  readonly messageText?: string;
  readonly descriptiveLinkKey?: number;
}

export interface ErrorMessageSpec extends ResponseMessageCommon {
  readonly responseCode: Exclude<EwsResponseCode, typeof EwsResponseCode.NoError>;
  /** Required: clients show it to users. */
  readonly messageText: string;
  /** Exchange always sends 0. */
  readonly descriptiveLinkKey?: number;
}

export type ResponseMessageSpec = SuccessMessageSpec | ErrorMessageSpec;

/**
 * One response message (`ResponseMessageType`): `ResponseClass`, then `m:MessageText`,
 * `m:ResponseCode`, `m:DescriptiveLinkKey`, `m:MessageXml` in the schema's order, then `content`.
 * `elementName` is e.g. `GetFolderResponseMessage`, or `ResponseMessage` for the operations
 * (GetUserOofSettings, GetUserAvailability, …) with their own wrappers.
 */
export function responseMessage(elementName: string, spec: ResponseMessageSpec = {}): XmlNode {
  const code = spec.responseCode ?? EwsResponseCode.NoError;
  const isError = code !== EwsResponseCode.NoError;
  const responseClass = spec.responseClass ?? (isError ? 'Error' : 'Success');
  const linkKey = spec.descriptiveLinkKey ?? (isError ? 0 : undefined);
  return el(NS.MESSAGES, elementName, { ResponseClass: responseClass }, [
    spec.messageText !== undefined && el(NS.MESSAGES, 'MessageText', {}, spec.messageText),
    el(NS.MESSAGES, 'ResponseCode', {}, code),
    linkKey !== undefined && el(NS.MESSAGES, 'DescriptiveLinkKey', {}, linkKey),
    spec.messageXml !== undefined && el(NS.MESSAGES, 'MessageXml', {}, spec.messageXml),
    ...toArray(spec.content),
  ]);
}

function toArray(content: XmlContent | undefined): readonly XmlContentItem[] {
  return Array.isArray(content) ? (content as readonly XmlContentItem[]) : [content as XmlContentItem];
}

/**
 * The standard wrapper `m:<Operation>Response` → `m:ResponseMessages` → one
 * `m:<Operation>ResponseMessage` per requested object, in request order.
 */
export function operationResponse(operation: string, messages: readonly ResponseMessageSpec[]): XmlNode {
  return el(NS.MESSAGES, `${operation}Response`, {}, [
    el(
      NS.MESSAGES,
      'ResponseMessages',
      {},
      messages.map((m) => responseMessage(`${operation}ResponseMessage`, m)),
    ),
  ]);
}

/** `t:Value Name="BackOffMilliseconds"`, the throttling hint clients wait on. */
export function backOffValue(backOffMs: number): XmlNode {
  if (!Number.isInteger(backOffMs) || backOffMs < 0) throw new RangeError('backOffMs must be a non-negative integer');
  return el(NS.TYPES, 'Value', { Name: 'BackOffMilliseconds' }, backOffMs);
}

export const SERVER_BUSY_TEXT = 'The server cannot service this request right now. Try again later.';

/** A per-item `ErrorServerBusy` with its back-off hint in `m:MessageXml`. */
export function serverBusyMessage(backOffMs: number, content?: XmlContent): ErrorMessageSpec {
  return {
    responseCode: EwsResponseCode.ErrorServerBusy,
    messageText: SERVER_BUSY_TEXT,
    messageXml: backOffValue(backOffMs),
    content,
  };
}

/**
 * The envelope of one GetStreamingEvents message. The SOAP namespace is the default one
 * (`<Envelope xmlns="…">`), as Exchange writes it: streaming clients cut the chunked body into
 * messages by looking for `<Envelope` and `</Envelope>` literally.
 */
export function streamingSoapEnvelope(body: XmlContent, serverVersion: ServerVersionInfo = DEFAULT_SERVER_VERSION): XmlNode {
  const envelope = el(NS.SOAP, 'Envelope', {}, [
    el(NS.SOAP, 'Header', {}, serverVersionInfoElement(serverVersion)),
    el(NS.SOAP, 'Body', {}, body),
  ]);
  return withNamespaces(envelope, { '': NS.SOAP, m: NS.MESSAGES, t: NS.TYPES });
}
