import { Inject, Injectable } from '@nestjs/common';
import { createReadStream, type Stats } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { WebErrorCode, WebException } from './web-client.exception';
import { WEB_CLIENT_OPTIONS, type WebClientOptions } from './web-client.options';
import { setWebClientHeaders } from './web-client.problem';

/** The media types the web client's build contains; anything else is served as bytes (and `nosniff` keeps it so). */
const MEDIA_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.oga': 'audio/ogg',
  '.wav': 'audio/wav',
  '.wasm': 'application/wasm',
};

/** One path segment of an asset: a name as bundlers write them. No `.`/`..`, no hidden files, no separators, no NUL. */
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,254}$/;
const MAX_SEGMENTS = 8;

/** Content-hashed names never change content: cached for a year. `index.html` is checked each time (it names them). */
const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

interface Variant {
  file: string;
  stats: Stats;
  gzip: boolean;
}

/**
 * The web client's static files from `PARLEY_WEB_ROOT`: `index.html` and `assets/**`, each with its precompressed
 * `.gz` sibling when the client takes gzip, strong ETags (304), HEAD, and the web client's security headers. Paths
 * are checked segment by segment and the resolved file must lie inside the root (symbolic links included).
 */
@Injectable()
export class WebStaticFiles {
  constructor(@Inject(WEB_CLIENT_OPTIONS) private readonly options: WebClientOptions) {}

  /** `GET /`, `GET /index.html`. */
  serveIndex(req: IncomingMessage, res: ServerResponse): Promise<void> {
    return this.serve(req, res, ['index.html'], REVALIDATE);
  }

  /** `GET /assets/...`: `url` is the request's raw target (not normalized: `..` must be seen to be refused). */
  serveAsset(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const segments = assetSegments(req.url ?? '');
    if (segments === undefined) throw new WebException(WebErrorCode.NotFound, 'No such file.');
    return this.serve(req, res, ['assets', ...segments], IMMUTABLE);
  }

  private async serve(req: IncomingMessage, res: ServerResponse, segments: string[], cacheControl: string): Promise<void> {
    const root = await realpath(this.options.webRoot).catch(() => undefined);
    const index = root === undefined ? undefined : await fileInside(root, ['index.html']);
    if (root === undefined || index === undefined) {
      throw new WebException(WebErrorCode.NotBuilt, `The web client is not built: there is no index.html in ${this.options.webRoot}.`);
    }
    const plain = await fileInside(root, segments);
    if (plain === undefined) throw new WebException(WebErrorCode.NotFound, 'No such file.');
    const compressed = acceptsGzip(req)
      ? await fileInside(root, [...segments.slice(0, -1), `${segments[segments.length - 1]}.gz`])
      : undefined;
    const variant: Variant = compressed ? { ...compressed, gzip: true } : { ...plain, gzip: false };

    const etag = `"${variant.stats.size.toString(16)}-${Math.floor(variant.stats.mtimeMs).toString(16)}${variant.gzip ? '-gz' : ''}"`;
    setWebClientHeaders(res);
    res.setHeader('Cache-Control', cacheControl);
    res.setHeader('Vary', 'Accept-Encoding');
    res.setHeader('ETag', etag);
    res.setHeader('Last-Modified', variant.stats.mtime.toUTCString());
    if (matchesEtag(req.headers['if-none-match'], etag)) {
      res.statusCode = 304;
      res.end();
      return;
    }
    res.statusCode = 200;
    res.setHeader('Content-Type', MEDIA_TYPES[path.extname(plain.file).toLowerCase()] ?? 'application/octet-stream');
    if (variant.gzip) res.setHeader('Content-Encoding', 'gzip');
    res.setHeader('Content-Length', variant.stats.size);
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    await new Promise<void>((resolve) => {
      const stream = createReadStream(variant.file);
      stream.once('error', () => {
        res.destroy();
        resolve();
      });
      res.once('close', () => {
        stream.destroy();
        resolve();
      });
      stream.pipe(res);
    });
  }
}

/** The decoded segments after `/assets/`, or undefined for anything that is not a plain relative file path. */
export function assetSegments(target: string): string[] | undefined {
  const query = target.indexOf('?');
  const pathname = query === -1 ? target : target.slice(0, query);
  const prefix = '/assets/';
  if (!pathname.toLowerCase().startsWith(prefix)) return undefined;
  const raw = pathname.slice(prefix.length).split('/');
  if (raw.length === 0 || raw.length > MAX_SEGMENTS) return undefined;
  const segments: string[] = [];
  for (const part of raw) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(part);
    } catch {
      return undefined;
    }
    if (!SEGMENT.test(decoded) || decoded === '..' || decoded === '.') return undefined;
    segments.push(decoded);
  }
  return segments;
}

/** A regular file under `root` (its real path inside the real root), or undefined. */
async function fileInside(root: string, segments: string[]): Promise<{ file: string; stats: Stats } | undefined> {
  const file = await realpath(path.join(root, ...segments)).catch(() => undefined);
  if (file === undefined || !file.startsWith(`${root}${path.sep}`)) return undefined;
  const stats = await stat(file).catch(() => undefined);
  return stats?.isFile() ? { file, stats } : undefined;
}

/** Whether `Accept-Encoding` takes gzip (named, or `*`, with a non-zero q). */
export function acceptsGzip(req: IncomingMessage): boolean {
  const header = req.headers['accept-encoding'];
  if (typeof header !== 'string') return false;
  let star: boolean | undefined;
  for (const entry of header.split(',')) {
    const [coding, ...params] = entry.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    const accepted = Number.isFinite(weight) && weight > 0;
    if (coding.trim() === 'gzip' || coding.trim() === 'x-gzip') return accepted;
    if (coding.trim() === '*') star = accepted;
  }
  return star === true;
}

function matchesEtag(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === '*' || trimmed.replace(/^W\//, '') === etag;
  });
}
