// Public API of the EWS SOAP protocol lib: parse requests, build responses and faults.
export { NS, PREFERRED_PREFIXES } from './lib/namespaces';
export { EwsError, EwsErrorCode, ewsResponseCodeFor, type EwsErrorLocation, type EwsErrorOptions } from './lib/ews-error';
export { EwsResponseCode, type ResponseClass } from './lib/response-code';
export { EXCHANGE_VERSIONS, isExchangeVersion, type ExchangeVersion } from './lib/exchange-version';
export {
  DEFAULT_SERVER_VERSION,
  EXCHANGE_2016_SERVER_VERSION,
  serverVersionInfoElement,
  type ServerVersionInfo,
} from './lib/server-version';

// The generic XML front is @parley/xml; these are its EWS faces (refusals as EwsError, Exchange's prefixes).
export { ewsErrorCodeForXml, ewsErrorFromXml, parseEwsXml, requireChild, writeEwsXml } from './lib/ews-xml';

export { readSoapRequest, type SoapRequest } from './lib/soap-envelope';
export {
  readRequestHeaders,
  type EwsRequestHeaders,
  type Impersonation,
  type ImpersonationKind,
  type TimeZoneContext,
} from './lib/request-headers';

export {
  backOffValue,
  operationResponse,
  responseMessage,
  serverBusyMessage,
  soapEnvelope,
  streamingSoapEnvelope,
  SERVER_BUSY_TEXT,
  type ErrorMessageSpec,
  type ResponseMessageSpec,
  type SuccessMessageSpec,
} from './lib/soap-response';
export { faultForError, serverBusyFault, soapFault, SOAP_FAULT_HTTP_STATUS, type SoapFaultSpec } from './lib/soap-fault';

export { formatXsDateTime, formatXsLocalDateTime, parseXsDateTime, type LocalDateTime, type UnzonedPolicy } from './lib/xs-datetime';

// The pieces that touch Node's HTTP message (both endpoints use them): a body read with a byte cap
// and a deadline, the close after an early answer, the accepted request Content-Types.
export { BodyTimeoutError, BodyTooLargeError, readRawBody } from './lib/raw-body.reader';
// The lingering close lives with the shared HTTP plumbing (the voicemail drop uses it too).
export { closeIfBodyUnread } from '@parley/observability';
export { isAcceptedContentType, mediaTypeOf, POX_MEDIA_TYPES, SOAP_MEDIA_TYPES } from './lib/content-type';
