import { echo, XmlError, XmlErrorKind } from './xml-error';

/**
 * Turns the request body into text. EWS and SIP clients send UTF-8; anything else (a UTF-16 BOM, an
 * `encoding` other than UTF-8/ASCII in the XML declaration, invalid byte sequences) is refused
 * rather than guessed at, so that what we parse is exactly what the client meant.
 */
export function decodeInput(input: string | Uint8Array, maxBytes: number): string {
  // Checked before decoding so an oversized body costs nothing more than its length.
  const bytes = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.byteLength;
  if (bytes > maxBytes) {
    throw new XmlError(XmlErrorKind.TooLarge, `The request is ${bytes} bytes; the limit is ${maxBytes}.`);
  }
  const text = typeof input === 'string' ? input : decodeUtf8(input);
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  checkDeclaredEncoding(body);
  return body;
}

function decodeUtf8(bytes: Uint8Array): string {
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    throw new XmlError(XmlErrorKind.InvalidEncoding, 'UTF-16 requests are not supported; send UTF-8.');
  }
  try {
    // `fatal` refuses malformed sequences instead of inventing U+FFFD; the decoder drops a UTF-8 BOM.
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new XmlError(XmlErrorKind.InvalidEncoding, 'The request is not valid UTF-8.');
  }
}

function checkDeclaredEncoding(text: string): void {
  if (!text.startsWith('<?xml')) return;
  const end = text.indexOf('?>');
  const decl = end === -1 ? text.slice(0, 200) : text.slice(0, end);
  const m = /\sencoding\s*=\s*["']([^"']*)["']/.exec(decl);
  if (m !== null && !/^(utf-?8|us-ascii)$/i.test(m[1])) {
    throw new XmlError(XmlErrorKind.InvalidEncoding, `Unsupported encoding '${echo(m[1], 32)}'; send UTF-8.`);
  }
}
