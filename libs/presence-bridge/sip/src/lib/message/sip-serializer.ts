import { randomFillSync } from 'node:crypto';
import { SipParseError } from './sip-error';
import { SipHeaders } from './sip-headers';
import { SipMessageOf } from './sip-parser';
import { SipRequest } from './sip-request';
import { SipResponse } from './sip-response';
import { formatUri, parseUri, Uri } from './sip-uri';

const REASONS: Record<number, string> = {
  100: 'Trying',
  180: 'Ringing',
  200: 'OK',
  202: 'Accepted',
  204: 'No Notification',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  407: 'Proxy Authentication Required',
  408: 'Request Timeout',
  412: 'Conditional Request Failed',
  413: 'Request Entity Too Large',
  414: 'Request-URI Too Long',
  415: 'Unsupported Media Type',
  416: 'Unsupported URI Scheme',
  420: 'Bad Extension',
  423: 'Interval Too Brief',
  480: 'Temporarily Unavailable',
  481: 'Call/Transaction Does Not Exist',
  482: 'Loop Detected',
  483: 'Too Many Hops',
  486: 'Busy Here',
  489: 'Bad Event',
  500: 'Server Internal Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
  504: 'Server Time-out',
  505: 'Version Not Supported',
  513: 'Message Too Large',
};

export function reasonPhrase(status: number): string {
  return REASONS[status] ?? (status < 200 ? 'Provisional' : status < 300 ? 'Success' : status < 700 ? 'Failure' : 'Unknown');
}

/**
 * The wire form: start line, headers in order with Content-Length set to the body's length (added when
 * absent, RFC 3261 §20.14 — mandatory on streams), CRLF line ends, the body.
 */
export function serializeSipMessage(message: SipMessageOf): Buffer {
  const startLine =
    message.kind === 'request' ? `${message.method} ${message.requestUriText} SIP/2.0` : `SIP/2.0 ${message.status} ${message.reason}`;
  checkLine(startLine);
  let head = `${startLine}\r\n`;
  let lengthWritten = false;
  for (const field of message.headers.entries()) {
    if (field.name === 'Content-Length') {
      if (lengthWritten) continue;
      lengthWritten = true;
      head += `Content-Length: ${message.body.length}\r\n`;
      continue;
    }
    const line = `${field.name}: ${field.value}`;
    checkLine(line);
    head += `${line}\r\n`;
  }
  if (!lengthWritten) head += `Content-Length: ${message.body.length}\r\n`;
  return Buffer.concat([Buffer.from(`${head}\r\n`, 'utf8'), message.body]);
}

const LINE_BREAK = /[\r\n]/;

/** A CR or LF in a value would end the header early and let the rest pass as another header. */
function checkLine(line: string): void {
  if (LINE_BREAK.test(line)) throw new RangeError('A SIP header or start line must not contain CR or LF.');
}

export interface SipResponseInit {
  reason?: string;
  /** The To tag of this UAS (RFC 3261 §8.2.6.2); generated when the request's To has none and status > 100. */
  toTag?: string;
  /** Further headers, after the copied ones (e.g. Contact, Expires, WWW-Authenticate, Warning, Allow). */
  headers?: Iterable<readonly [string, string]>;
  body?: Buffer | string;
  contentType?: string;
}

/**
 * A response to `request` per RFC 3261 §8.2.6: Via (every one, in order), From, To (with a tag), Call-ID and
 * CSeq copied; Timestamp echoed on 100 (§8.2.6.1); Content-Length always.
 */
export function createResponse(request: SipRequest, status: number, init: SipResponseInit = {}): SipResponse {
  const headers = new SipHeaders();
  for (const via of request.headers.getAll('Via')) headers.append('Via', via);
  const from = request.headers.get('From');
  if (from !== undefined) headers.append('From', from);
  const to = request.headers.get('To');
  if (to !== undefined) {
    const hasTag = safeHasTag(request);
    headers.append('To', status > 100 && !hasTag ? `${to};tag=${init.toTag ?? newTag()}` : to);
  }
  const callId = request.headers.get('Call-ID');
  if (callId !== undefined) headers.append('Call-ID', callId);
  const cseq = request.headers.get('CSeq');
  if (cseq !== undefined) headers.append('CSeq', cseq);
  const timestamp = request.headers.get('Timestamp');
  if (status === 100 && timestamp !== undefined) headers.append('Timestamp', timestamp);
  for (const [name, value] of init.headers ?? []) headers.append(name, value);
  const body = toBuffer(init.body);
  if (init.contentType !== undefined) headers.set('Content-Type', init.contentType);
  headers.set('Content-Length', String(body.length));
  return new SipResponse(status, init.reason ?? reasonPhrase(status), headers, body);
}

/** Whether To already carries a tag; a To too broken to parse counts as untagged (a 400 still gets one). */
function safeHasTag(request: SipRequest): boolean {
  try {
    return request.to().params.has('tag');
  } catch {
    return false;
  }
}

export interface SipRequestInit {
  method: string;
  uri: Uri | string;
  /** Via, From, To, Call-ID, CSeq, Contact, Event … in wire order. */
  headers: Iterable<readonly [string, string]>;
  body?: Buffer | string;
  contentType?: string;
}

/** A request this stack originates (NOTIFY, MESSAGE …): Max-Forwards 70 unless given, Content-Length computed. */
export function createRequest(init: SipRequestInit): SipRequest {
  const headers = new SipHeaders();
  for (const [name, value] of init.headers) headers.append(name, value);
  if (!headers.has('Max-Forwards')) headers.append('Max-Forwards', '70');
  const body = toBuffer(init.body);
  if (init.contentType !== undefined) headers.set('Content-Type', init.contentType);
  headers.set('Content-Length', String(body.length));
  const uri = typeof init.uri === 'string' ? parseUri(init.uri) : init.uri;
  if (typeof uri === 'string') throw new RangeError(`Invalid Request-URI: ${uri}.`);
  return new SipRequest(init.method, uri, formatUri(uri), headers, body);
}

/** A token for To/From tags and Via branches: 64 random bits (RFC 3261 §19.3 asks for at least 32). */
export function newTag(): string {
  if (tagPoolOffset + TAG_BYTES > tagPool.length) {
    randomFillSync(tagPool);
    tagPoolOffset = 0;
  }
  const tag = tagPool.toString('hex', tagPoolOffset, tagPoolOffset + TAG_BYTES);
  tagPoolOffset += TAG_BYTES;
  return tag;
}

const TAG_BYTES = 8;
/**
 * Tags come from a pool of CSPRNG bytes refilled 512 tags at a time: one `randomBytes` call per tag (a branch per NOTIFY,
 * a tag per dialog) was a measurable share of the fan-out's CPU. Each byte is used once.
 */
const tagPool = Buffer.alloc(TAG_BYTES * 512);
let tagPoolOffset = tagPool.length;

function toBuffer(body: Buffer | string | undefined): Buffer {
  return body === undefined ? Buffer.alloc(0) : typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
}

/**
 * The response to a request the codec refused, with the reason in a Warning (RFC 3261 §20.43, code 399), or
 * undefined when there is nothing to answer: the error carries no readable request, or the request is an ACK
 * (never answered, RFC 3261 §17.2.1). Undefined means: close the connection (stream) or drop (datagram).
 */
export function createRefusal(error: SipParseError, warnAgent: string): SipResponse | undefined {
  const request = error.parsed;
  if (error.status === undefined || !(request instanceof SipRequest) || request.method === 'ACK') return undefined;
  const text = error.message.replace(/["\\]/g, "'");
  return createResponse(request, error.status, { headers: [['Warning', `399 ${warnAgent} "${text}"`]] });
}
