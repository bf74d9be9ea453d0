import type { IncomingMessage } from 'node:http';

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
