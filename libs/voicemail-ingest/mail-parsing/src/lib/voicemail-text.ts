/** Small readers for the texts phone systems put in headers, subjects and bodies. */

const MAX_NAME = 256;
/** Caller ids are short; bounding them keeps the backtracking patterns below cheap. */
const MAX_CALLER_ID_CHARS = 512;
const MAX_TRANSCRIPTION = 100_000;
const WITHHELD_NAME = /^(anonymous|unknown|unavailable|restricted|private|withheld|an unknown caller)$/i;

/** Seconds from `45`, `45 seconds`, `m:ss` or `h:mm:ss`; null for anything else. */
export function parseDurationSeconds(text: string | null | undefined): number | null {
  const value = text?.trim() ?? '';
  const seconds = /^(\d{1,9})(?:\s*(?:s|secs?|seconds?))?$/i.exec(value);
  if (seconds) return Number(seconds[1]);
  const clock = /^(?:(\d{1,6}):)?(\d{1,6}):(\d{2})$/.exec(value);
  if (clock) return Number(clock[1] ?? 0) * 3600 + Number(clock[2]) * 60 + Number(clock[3]);
  return null;
}

/** A display name as a caller name: quotes stripped, empty and "unknown"-like values are none. */
export function cleanCallerName(text: string | null | undefined): string | null {
  const name = (text ?? '')
    .trim()
    .replace(/^"(.*)"$/s, '$1')
    .trim();
  return name.length === 0 || WITHHELD_NAME.test(name) ? null : name.slice(0, MAX_NAME);
}

/** A caller id as PBXes print it: `"Name" <number>`, `Name <number>`, `<number>`, a bare number or a bare name. */
export function splitCallerId(text: string): { name: string | null; number: string | null } {
  const value = text.slice(0, MAX_CALLER_ID_CHARS).trim();
  const bracketed = /^(?:"([^"]*)"|([^<]*?))\s*<([^>]*)>$/.exec(value);
  if (bracketed) {
    return { name: cleanCallerName(bracketed[1] ?? bracketed[2]), number: bracketed[3]?.trim() || null };
  }
  if (/^\+?[\d\-.() ]+$/.test(value) || /^(tel|sips?):/i.test(value)) return { name: null, number: value };
  const trailingNumber = /^(?:"([^"]*)"|(.*?))\s+(\+?[\d][\d\-.() ]*\d)$/.exec(value);
  if (trailingNumber) {
    return { name: cleanCallerName(trailingNumber[1] ?? trailingNumber[2]), number: trailingNumber[3] ?? null };
  }
  return { name: cleanCallerName(value), number: null };
}

/** Body text as a transcription: after a "Transcription:"/"Preview:" caption when there is one, else all of it. */
export function transcriptionFrom(bodyText: string | null): string | null {
  if (bodyText === null) return null;
  const captioned = /^[ \t]*(?:voice ?mail )?(?:transcription|transcript|preview)(?:[ \t]*\([^)\n]*\))?[ \t]*:[ \t]*(.*)$/im.exec(bodyText);
  const text = (captioned ? bodyText.slice((captioned.index ?? 0) + captioned[0].length - (captioned[1]?.length ?? 0)) : bodyText).trim();
  return text.length === 0 ? null : text.slice(0, MAX_TRANSCRIPTION);
}

/** White space runs (including line breaks) as one space, for matching templated bodies. */
export function collapseSpace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
