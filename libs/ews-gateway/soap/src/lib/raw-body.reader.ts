import type { IncomingMessage } from 'node:http';

/** The body exceeds the configured limit; nothing past the limit was read. */
export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`The request body exceeds ${limit} bytes.`);
    this.name = 'BodyTooLargeError';
  }
}

/**
 * Reads the whole body, refusing as soon as it passes `limit` bytes (a declared Content-Length
 * over the limit is refused before reading anything). The app runs without a body parser.
 */
export function readRawBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(new BodyTooLargeError(limit));
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        req.pause();
        reject(new BodyTooLargeError(limit));
        return;
      }
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

/**
 * Whether the rest of an unread body should be dropped with the connection rather than drained
 * (Node drains it to keep the connection alive, which would read an oversized body after all).
 */
export function shouldCloseAfterReply(req: IncomingMessage, limit: number): boolean {
  if (req.complete) return false;
  const declared = Number(req.headers['content-length']);
  return !Number.isFinite(declared) || declared > limit;
}
