import type { IncomingMessage, ServerResponse } from 'node:http';

/** The body exceeds the configured limit; nothing past the limit was read. */
export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`The request body exceeds ${limit} bytes.`);
    this.name = 'BodyTooLargeError';
  }
}

/** The body did not arrive in full within the allowed time (HTTP 408). */
export class BodyTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`The request body did not arrive within ${timeoutMs} ms.`);
    this.name = 'BodyTimeoutError';
  }
}

/**
 * Reads the whole body, refusing as soon as it passes `limit` bytes (a declared Content-Length
 * over the limit is refused before reading anything), or when it has not arrived in full
 * `timeoutMs` after reading began (0: no deadline). The deadline is for the whole body, not
 * between chunks, so a client dripping a byte at a time cannot hold the request open. The app
 * runs without a body parser.
 */
export function readRawBody(req: IncomingMessage, limit: number, timeoutMs = 0): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(new BodyTooLargeError(limit));
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = timeoutMs > 0 ? setTimeout(() => fail(new BodyTimeoutError(timeoutMs)), timeoutMs) : undefined;
    const cleanup = () => {
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    const fail = (error: Error) => {
      cleanup();
      req.pause();
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) return fail(new BodyTooLargeError(limit));
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

/** How long, and how much, an unread request body is discarded after an early reply. */
const LINGER_MS = 1_000;
const LINGER_MAX_BYTES = 8 * 1024 * 1024;

/**
 * Call before writing an answer. When the request body was not read in full (an early 401, 413,
 * 415 or 408), the answer goes out with `Connection: close` and the connection closes right after
 * it, instead of Node draining the rest of the body for keep-alive (which would read an oversized
 * body after all, and let a client trickling its body hold the connection for minutes).
 *
 * The close is a lingering one: the client may still be sending, and destroying a socket with
 * unread input makes the kernel send a reset that can wipe the answer before the client has read
 * it. So the socket is only half-closed (FIN after the answer), and what still arrives is read and
 * discarded for a short, bounded while (time and bytes) before the socket is destroyed.
 */
export function closeIfBodyUnread(req: IncomingMessage, res: ServerResponse): void {
  if (req.complete) return;
  res.setHeader('Connection', 'close');
  const socket = req.socket;
  const lingering = socket as typeof socket & { destroySoon?: () => void };
  // Node ends a `Connection: close` response with destroySoon(); only half-close instead.
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
