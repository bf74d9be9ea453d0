import { currentCorrelationId } from '@parley/logging';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GraphErrorCode, GraphRequestError } from './graph-error';

/** The media type of Graph's JSON answers (clients read the part before the first `;`). */
const GRAPH_JSON = 'application/json; odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false; charset=utf-8';

/** The `client-request-id` a client sent, when it is a sane token (Graph echoes it). */
function clientRequestId(req: IncomingMessage): string | undefined {
  const value = req.headers['client-request-id'];
  return typeof value === 'string' && /^[A-Za-z0-9._:-]{1,100}$/.test(value) ? value : undefined;
}

/** Graph's correlation headers on every answer: `request-id` (Parley's correlation id) and the client's own id. */
export function setRequestIds(req: IncomingMessage, res: ServerResponse): { requestId: string; clientRequestId?: string } {
  const requestId = currentCorrelationId() ?? randomUUID();
  const clientId = clientRequestId(req);
  res.setHeader('request-id', requestId);
  if (clientId) res.setHeader('client-request-id', clientId);
  return { requestId, clientRequestId: clientId };
}

export function sendJson(req: IncomingMessage, res: ServerResponse, status: number, body: unknown): void {
  setRequestIds(req, res);
  writeJson(res, status, body);
}

function writeJson(res: ServerResponse, status: number, body: unknown): void {
  const bytes = Buffer.from(JSON.stringify(body), 'utf8');
  res.statusCode = status;
  res.setHeader('Content-Type', GRAPH_JSON);
  res.setHeader('OData-Version', '4.0');
  res.setHeader('Content-Length', bytes.length);
  res.end(bytes);
}

/**
 * `200 OK` with no body and no `Content-Type`, as Graph answers its actions: clients parse any
 * `application/json` answer, and an empty one would fail them.
 */
export function sendEmpty(req: IncomingMessage, res: ServerResponse): void {
  setRequestIds(req, res);
  res.statusCode = 200;
  res.setHeader('Content-Length', '0');
  res.end();
}

/** Graph's error body with its status and headers; the request is never answered twice. */
export function sendGraphError(req: IncomingMessage, res: ServerResponse, error: GraphRequestError): void {
  if (res.headersSent) return void res.destroy();
  const { requestId, clientRequestId: clientId } = setRequestIds(req, res);
  for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  const innerError = { date: new Date().toISOString().replace(/\.\d{3}Z$/, ''), 'request-id': requestId, 'client-request-id': clientId };
  writeJson(res, error.status, { error: { code: error.code, message: error.message, innerError } });
}

export interface BodyLimits {
  maxBytes: number;
  timeoutMs: number;
}

/**
 * The request body as JSON, read within its limits; undefined for an empty body (what clients send
 * for bodyless actions, with or without `Content-Type: application/json`). A body over the limit is
 * refused from `Content-Length` alone when it says so, else as soon as the bytes pass it; past the
 * deadline 408. The connection is closed after such refusals (the rest of the body is not read).
 */
export async function readJsonBody(req: IncomingMessage, res: ServerResponse, limits: BodyLimits): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > limits.maxBytes) throw abandonBody(req, res, tooLarge(limits.maxBytes));
  const body = await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(
      () =>
        finish(
          abandonBody(req, res, new GraphRequestError(408, GraphErrorCode.RequestTimeout, 'The request body did not arrive in time.')),
        ),
      limits.timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limits.maxBytes) return finish(abandonBody(req, res, tooLarge(limits.maxBytes)));
      chunks.push(chunk);
    };
    const onEnd = () => finish(undefined, Buffer.concat(chunks));
    const onError = (error: Error) => finish(error);
    function finish(error: Error | undefined, data?: Buffer) {
      clearTimeout(timer);
      req.off('data', onData).off('end', onEnd).off('error', onError);
      if (error) reject(error);
      else resolve(data as Buffer);
    }
    req.on('data', onData).on('end', onEnd).on('error', onError);
  });
  if (body.length === 0) return undefined;
  const mediaType = String(req.headers['content-type'] ?? '')
    .split(';')[0]
    .trim()
    .toLowerCase();
  if (mediaType !== 'application/json') {
    throw new GraphRequestError(415, GraphErrorCode.UnsupportedMediaType, 'A request body must be sent as application/json.');
  }
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    throw new GraphRequestError(400, GraphErrorCode.BadRequest, 'The request body is not valid JSON.');
  }
}

function tooLarge(maxBytes: number): GraphRequestError {
  return new GraphRequestError(413, GraphErrorCode.RequestEntityTooLarge, `The request body is larger than ${maxBytes} bytes.`);
}

/** The answer goes out with `Connection: close`; the unread rest of the body is dropped with the connection. */
function abandonBody(req: IncomingMessage, res: ServerResponse, error: GraphRequestError): GraphRequestError {
  res.setHeader('Connection', 'close');
  res.once('finish', () => req.socket.destroySoon());
  req.pause();
  return error;
}
