import type { XmlErrorLocation } from './xml-error';

/** 1-based line and column of a character index; computed only when reporting an error. */
export function locate(text: string, index: number): XmlErrorLocation {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(index, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, position: end - lineStart + 1 };
}
