import { EwsError } from './ews-error';
import { NS } from './namespaces';
import { EwsResponseCode } from './response-code';
import { DEFAULT_SERVER_VERSION, type ServerVersionInfo } from './server-version';
import { backOffValue, SERVER_BUSY_TEXT, soapEnvelope } from './soap-response';
import { el, qualifiedName, withNamespaces, type XmlContent, type XmlNode } from '@parley/xml';

/** Faults go out with HTTP 500 (SOAP 1.1 §6.2); per-item errors are HTTP 200 responses. */
export const SOAP_FAULT_HTTP_STATUS = 500;

export interface SoapFaultSpec {
  readonly responseCode: EwsResponseCode;
  /** `faultstring`, human-readable. */
  readonly faultString: string;
  /** `detail/e:Message`; defaults to `faultString`. */
  readonly message?: string;
  /** Children of `detail/t:MessageXml` (line/position of a schema error, a back-off hint). */
  readonly messageXml?: XmlContent;
}

/**
 * A request-level failure as Exchange writes it: `faultcode` is a QName in the types namespace
 * bound to prefix `a` on the element itself, `faultstring` carries `xml:lang`, `detail` holds
 * `e:ResponseCode` and `e:Message` (errors namespace) and optionally `t:MessageXml`. Wrapped in
 * the same envelope as any response, so `t:ServerVersionInfo` is there too.
 */
export function soapFault(spec: SoapFaultSpec, serverVersion: ServerVersionInfo = DEFAULT_SERVER_VERSION): XmlNode {
  const fault = el(NS.SOAP, 'Fault', {}, [
    withNamespaces(el('', 'faultcode', {}, `a:${spec.responseCode}`), { a: NS.TYPES }),
    el('', 'faultstring', { [qualifiedName(NS.XML, 'lang')]: 'en-US' }, spec.faultString),
    el('', 'detail', {}, [
      el(NS.ERRORS, 'ResponseCode', {}, spec.responseCode),
      el(NS.ERRORS, 'Message', {}, spec.message ?? spec.faultString),
      spec.messageXml !== undefined && el(NS.TYPES, 'MessageXml', {}, spec.messageXml),
    ]),
  ]);
  return soapEnvelope(fault, serverVersion);
}

const SCHEMA_VALIDATION_TEXT = 'The request failed schema validation.';
const INTERNAL_ERROR_TEXT = 'An internal server error occurred. The operation failed.';

/**
 * `ErrorServerBusy` as a fault, with `t:MessageXml/t:Value Name="BackOffMilliseconds"` when the
 * back-off is known (without it, clients fall back to their own delay).
 */
export function serverBusyFault(backOffMs: number | undefined, serverVersion: ServerVersionInfo = DEFAULT_SERVER_VERSION): XmlNode {
  return soapFault(
    {
      responseCode: EwsResponseCode.ErrorServerBusy,
      faultString: SERVER_BUSY_TEXT,
      messageXml: backOffMs === undefined ? undefined : backOffValue(backOffMs),
    },
    serverVersion,
  );
}

/**
 * The fault for anything thrown while reading or dispatching a request. An `EwsError` keeps its
 * code and message; anything else becomes `ErrorInternalServerError` with a fixed text, so
 * internals never reach the client (log the original before calling this).
 */
export function faultForError(error: unknown, serverVersion: ServerVersionInfo = DEFAULT_SERVER_VERSION): XmlNode {
  if (!(error instanceof EwsError)) {
    return soapFault({ responseCode: EwsResponseCode.ErrorInternalServerError, faultString: INTERNAL_ERROR_TEXT }, serverVersion);
  }
  switch (error.responseCode) {
    case EwsResponseCode.ErrorSchemaValidation:
      return soapFault(
        {
          responseCode: error.responseCode,
          faultString: `The request failed schema validation: ${error.message}`,
          message: SCHEMA_VALIDATION_TEXT,
          messageXml: [
            error.location !== undefined && el(NS.TYPES, 'LineNumber', {}, error.location.line),
            error.location !== undefined && el(NS.TYPES, 'LinePosition', {}, error.location.position),
            el(NS.TYPES, 'Violation', {}, error.message),
          ],
        },
        serverVersion,
      );
    case EwsResponseCode.ErrorServerBusy:
      return serverBusyFault(error.backOffMs, serverVersion);
    default:
      return soapFault({ responseCode: error.responseCode, faultString: error.message }, serverVersion);
  }
}
