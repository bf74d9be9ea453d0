import type { AttachmentSummary } from '@parley/contracts';
import { GraphErrorCode, GraphRequestError, setRequestIds } from '@parley/graph';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ifRangeHolds, parseByteRange } from './byte-range';

/** Reads the content's bytes `[start, end)` piece by piece; the sender asks for the next piece only after writing the last. */
export type ContentReader = (start: number, end: number) => AsyncIterable<Buffer>;

/** A content type fit for a response header; anything else is sent as bytes without a type. */
const HEADER_SAFE = /^[\x21-\x7e][\x20-\x7e]{0,254}$/;

/**
 * An attachment's bytes as `GET …/attachments/{id}/$value` answers them: the whole content (200)
 * or one byte range (206, `Content-Range`), `Accept-Ranges: bytes`, a strong `ETag` (the
 * attachment id: an attachment's bytes never change under its id), `If-None-Match` (304) and
 * `If-Range` honoured, 416 with `Content-Range: bytes *\/<size>` for a range past the end. HEAD
 * answers the same headers without reading a byte. The body is streamed as the reader yields it,
 * with the socket's back-pressure, and stops reading when the client goes away.
 */
export async function sendAttachmentContent(
  req: IncomingMessage,
  res: ServerResponse,
  attachment: AttachmentSummary,
  read: ContentReader,
): Promise<void> {
  const size = attachment.size;
  const etag = `"${attachment.id}"`;
  setRequestIds(req, res);
  res.setHeader('Accept-Ranges', 'bytes');
  res.setHeader('ETag', etag);
  res.setHeader('Cache-Control', 'private');
  if (matchesNoneOf(req.headers['if-none-match'], etag)) {
    res.statusCode = 304;
    res.end();
    return;
  }
  const range = ifRangeHolds(header(req.headers['if-range']), etag)
    ? parseByteRange(header(req.headers.range), size)
    : { kind: 'whole' as const };
  if (range.kind === 'unsatisfiable') {
    throw new GraphRequestError(416, GraphErrorCode.RangeNotSatisfiable, `The range is not within the ${size} bytes of the attachment.`, {
      'Content-Range': `bytes */${size}`,
    });
  }
  const [start, end] = range.kind === 'range' ? [range.start, range.end] : [0, size];
  res.statusCode = range.kind === 'range' ? 206 : 200;
  if (range.kind === 'range') res.setHeader('Content-Range', `bytes ${start}-${end - 1}/${size}`);
  res.setHeader('Content-Type', HEADER_SAFE.test(attachment.contentType) ? attachment.contentType : 'application/octet-stream');
  res.setHeader('Content-Length', String(end - start));
  if (req.method === 'HEAD' || end === start) {
    res.end();
    return;
  }
  let sent = 0;
  for await (const bytes of read(start, end)) {
    if (res.destroyed) return; // the client went away: no more reads
    sent += bytes.length;
    if (!res.write(bytes)) await writable(res);
  }
  if (res.destroyed) return;
  // A store that answered fewer bytes than the attachment's size: the client must not take the short body for the whole.
  if (sent !== end - start) {
    res.destroy();
    return;
  }
  res.end();
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}

function matchesNoneOf(ifNoneMatch: string | string[] | undefined, etag: string): boolean {
  const value = header(ifNoneMatch);
  if (value === undefined) return false;
  return value.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t === etag || t === `W/${etag}`;
  });
}

/** Resolves when the socket can take more, or is gone. */
function writable(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done).off('close', done);
      resolve();
    };
    res.on('drain', done).on('close', done);
  });
}
