import busboy from 'busboy';
import type { IncomingMessage } from 'node:http';
import { VoicemailDropErrorCode, VoicemailDropException } from './voicemail-drop.exception';

export interface DropAudio {
  /** The file name the PBX gave (a path is reduced to its last segment); `voicemail.<ext>` when none. */
  filename: string;
  contentType: string;
  bytes: Buffer;
}

/** The two parts of a drop, as received: the audio and the metadata's text (parsed by the caller). */
export interface DropParts {
  audio: DropAudio;
  metadata: string;
}

export interface MultipartLimits {
  maxAudioBytes: number;
  maxMetadataBytes: number;
  maxParts: number;
  timeoutMs: number;
}

/** Bytes a multipart body may add around its parts (boundaries, part headers); a declared length past parts + this is refused unread. */
export const MULTIPART_OVERHEAD_BYTES = 16 * 1024;

/** Audio types a PBX sends for recordings besides `audio/*` (a WAV file is often labelled only as bytes). */
const AUDIO_EXTENSIONS: Record<string, string> = {
  wav: 'audio/wav',
  mp3: 'audio/mpeg',
  wma: 'audio/x-ms-wma',
  gsm: 'audio/gsm',
  ogg: 'audio/ogg',
  opus: 'audio/ogg',
  m4a: 'audio/mp4',
};

/**
 * Reads a `multipart/form-data` drop with busboy within its limits: one `audio` file and one
 * `metadata` part (a field, or a file sent as `application/json`). Other parts are skipped unread
 * (PBX webhooks add fields of their own), but count against the parts limit. Size limits apply while reading: the first byte past
 * a limit ends the request with 413, never after the whole body was buffered.
 */
export function readDropParts(req: IncomingMessage, limits: MultipartLimits): Promise<DropParts> {
  const contentType = req.headers['content-type'] ?? '';
  if (!/^multipart\/form-data\s*;/i.test(contentType)) {
    return Promise.reject(
      new VoicemailDropException(VoicemailDropErrorCode.UnsupportedMediaType, 'The body must be multipart/form-data with a boundary.'),
    );
  }
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > limits.maxAudioBytes + limits.maxMetadataBytes + MULTIPART_OVERHEAD_BYTES) {
    return Promise.reject(tooLarge(`The body (${declared} bytes) is larger than a drop may be.`));
  }
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      limits: {
        fileSize: limits.maxAudioBytes,
        fieldSize: limits.maxMetadataBytes,
        parts: limits.maxParts,
        files: limits.maxParts,
        fields: limits.maxParts,
        fieldNameSize: 100,
        headerPairs: 20,
      },
    });
  } catch (error) {
    return Promise.reject(
      new VoicemailDropException(
        VoicemailDropErrorCode.UnsupportedMediaType,
        `The multipart body cannot be read: ${(error as Error).message}.`,
      ),
    );
  }

  return new Promise<DropParts>((resolve, reject) => {
    let audio: DropAudio | undefined;
    let metadata: string | undefined;
    let settled = false;
    let pendingFiles = 0;
    let finished = false;
    const timer = setTimeout(
      () => fail(new VoicemailDropException(VoicemailDropErrorCode.MalformedRequest, 'The request body did not arrive in time.')),
      limits.timeoutMs,
    );

    function fail(error: unknown): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.unpipe(parser);
      req.pause();
      reject(error);
    }
    function maybeDone(): void {
      if (settled || !finished || pendingFiles > 0) return;
      settled = true;
      clearTimeout(timer);
      if (!audio) return reject(malformed('The drop has no `audio` file part.'));
      if (metadata === undefined) return reject(malformed('The drop has no `metadata` part.'));
      resolve({ audio, metadata });
    }

    parser.on('file', (name, stream, info) => {
      if (name === 'metadata') {
        if (metadata !== undefined) return fail(malformed('A drop carries one `metadata` part.'));
        pendingFiles += 1;
        collect(stream, limits.maxMetadataBytes, 'The metadata', (bytes) => {
          metadata = bytes.toString('utf8');
        });
        return;
      }
      if (name !== 'audio') return void stream.resume();
      if (audio) return fail(malformed('A drop carries one `audio` file.'));
      const filename = baseName(info.filename);
      const type = audioTypeOf(info.mimeType, filename);
      if (type === null) {
        return fail(
          new VoicemailDropException(
            VoicemailDropErrorCode.UnsupportedMediaType,
            `The audio part is ${info.mimeType}; it must be audio/* (or application/octet-stream with an audio file name).`,
          ),
        );
      }
      pendingFiles += 1;
      collect(stream, limits.maxAudioBytes, 'The audio', (bytes) => {
        if (bytes.length === 0) return fail(malformed('The audio file is empty.'));
        audio = { filename: filename ?? `voicemail.${extensionOf(type)}`, contentType: type, bytes };
      });
    });

    parser.on('field', (name, value, info) => {
      if (name !== 'metadata') return;
      if (metadata !== undefined) return fail(malformed('A drop carries one `metadata` part.'));
      if (info.valueTruncated) return fail(tooLarge(`The metadata is larger than ${limits.maxMetadataBytes} bytes.`));
      metadata = value;
    });
    parser.on('partsLimit', () => fail(tooLarge(`A drop has at most ${limits.maxParts} parts.`)));
    parser.on('filesLimit', () => fail(tooLarge(`A drop has at most ${limits.maxParts} parts.`)));
    parser.on('fieldsLimit', () => fail(tooLarge(`A drop has at most ${limits.maxParts} parts.`)));
    parser.on('error', (error: Error) => fail(malformed(`The multipart body is malformed: ${error.message}.`)));
    parser.on('close', () => {
      finished = true;
      maybeDone();
    });
    req.on('error', (error) => fail(error));
    req.on('aborted', () => fail(malformed('The client aborted the request.')));
    req.pipe(parser);

    function collect(
      stream: NodeJS.ReadableStream & { truncated?: boolean },
      max: number,
      what: string,
      done: (bytes: Buffer) => void,
    ): void {
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= max) chunks.push(chunk);
      });
      stream.on('limit', () => fail(tooLarge(`${what} is larger than ${max} bytes.`)));
      stream.on('end', () => {
        pendingFiles -= 1;
        if (settled) return;
        if (stream.truncated) return fail(tooLarge(`${what} is larger than ${max} bytes.`));
        done(Buffer.concat(chunks));
        maybeDone();
      });
    }
  });
}

function malformed(message: string): VoicemailDropException {
  return new VoicemailDropException(VoicemailDropErrorCode.MalformedRequest, message);
}

function tooLarge(message: string): VoicemailDropException {
  return new VoicemailDropException(VoicemailDropErrorCode.PayloadTooLarge, message);
}

function baseName(filename: string | undefined): string | undefined {
  const name = filename
    ?.split(/[\\/]/)
    .pop()
    // Control characters would end up in a MIME header.
    ?.replace(/\p{Cc}/gu, '')
    .trim()
    .slice(0, 200);
  return name ? name : undefined;
}

function extensionOf(contentType: string): string {
  return Object.entries(AUDIO_EXTENSIONS).find(([, type]) => type === contentType)?.[0] ?? 'bin';
}

/** The audio's content type, or null when the part is not audio. */
function audioTypeOf(mimeType: string, filename: string | undefined): string | null {
  const type = mimeType.toLowerCase();
  if (/^audio\/[a-z0-9.+-]+$/.test(type)) return type;
  if (type !== 'application/octet-stream') return null;
  const ext = filename?.split('.').pop()?.toLowerCase();
  return (ext && AUDIO_EXTENSIONS[ext]) ?? null;
}
