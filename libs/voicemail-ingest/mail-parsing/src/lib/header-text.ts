import { unfold } from './mime-structure';

const utf8 = new TextDecoder('utf-8', { fatal: true });

// Node's TextDecoder reads windows-1252 as ISO-8859-1 (0x80-0x9F become C1 controls), so the
// printable characters Windows puts there are mapped here. ISO-8859-1 labels get the same
// treatment, as WHATWG Encoding and every mail client do.
const WINDOWS_1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';
const WINDOWS_1252_LABELS = new Set([
  'windows-1252',
  'cp1252',
  'x-cp1252',
  'iso-8859-1',
  'iso8859-1',
  'iso_8859-1',
  'latin1',
  'l1',
  'us-ascii',
  'ascii',
]);

function decodeWindows1252(bytes: Buffer): string {
  let text = '';
  for (const byte of bytes) {
    text += byte >= 0x80 && byte <= 0x9f ? WINDOWS_1252_HIGH[byte - 0x80] : String.fromCharCode(byte);
  }
  return text;
}

/**
 * A header value as text: unfolded, raw 8-bit bytes read as UTF-8 (or Windows-1252 when they are
 * not valid UTF-8, the usual legacy case), then RFC 2047 encoded words decoded. An encoded word in a
 * charset the runtime cannot decode stays as written.
 */
export function decodeHeaderValue(raw: Buffer): string {
  return decodeEncodedWords(unfold(bytesToText(raw)));
}

export function bytesToText(bytes: Buffer): string {
  try {
    return utf8.decode(bytes);
  } catch {
    return decodeWindows1252(bytes);
  }
}

/** Encoded words (`=?charset?B|Q?text?=`, RFC 2047). */
const ENCODED_WORD = /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g;

interface EncodedRun {
  readonly charset: string;
  readonly bytes: Buffer[];
  words: string;
}

/**
 * White space between adjacent encoded words is dropped (RFC 2047 section 6.2), and adjacent words in
 * one charset are decoded together so a multibyte character split across two words survives.
 */
export function decodeEncodedWords(text: string): string {
  if (!text.includes('=?')) return text;
  let out = '';
  let last = 0;
  let run: EncodedRun | null = null;
  for (const match of text.matchAll(ENCODED_WORD)) {
    const index = match.index ?? 0;
    const gap = text.slice(last, index);
    const charset = (match[1] ?? '').split('*')[0].toLowerCase();
    const payload = match[3] ?? '';
    const bytes = (match[2] ?? '').toUpperCase() === 'B' ? Buffer.from(payload, 'base64') : decodeQ(payload);
    if (run !== null && /^[ \t]*$/.test(gap) && run.charset === charset) {
      run.bytes.push(bytes);
      run.words += gap + match[0];
    } else {
      out += flushRun(run) + (run !== null && /^[ \t]*$/.test(gap) ? '' : gap);
      run = { charset, bytes: [bytes], words: match[0] };
    }
    last = index + match[0].length;
  }
  return out + flushRun(run) + text.slice(last);
}

function flushRun(run: EncodedRun | null): string {
  return run === null ? '' : (decodeCharset(Buffer.concat(run.bytes), run.charset) ?? run.words);
}

function decodeQ(payload: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < payload.length; i += 1) {
    const ch = payload[i];
    if (ch === '_') {
      bytes.push(0x20);
    } else if (ch === '=' && /^[0-9A-Fa-f]{2}$/.test(payload.slice(i + 1, i + 3))) {
      bytes.push(parseInt(payload.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(payload.charCodeAt(i) & 0xff);
    }
  }
  return Buffer.from(bytes);
}

/** Null when the runtime knows no decoder for the charset. */
export function decodeCharset(bytes: Buffer, charset: string): string | null {
  const label = charset.trim().toLowerCase();
  if (WINDOWS_1252_LABELS.has(label)) return decodeWindows1252(bytes);
  try {
    return new TextDecoder(label).decode(bytes);
  } catch {
    return null;
  }
}
