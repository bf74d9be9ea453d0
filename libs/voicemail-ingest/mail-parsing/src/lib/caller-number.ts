import { type CountryCode, isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js';

export interface CallerNumber {
  /** E.164 when it could be normalised, else the digits as given; null when the original holds no number. */
  readonly normalized: string | null;
  /** As written, trimmed (at most 256 characters). */
  readonly original: string;
}

/** Digits up to this many are an extension or short number: kept as digits, never given a country code. */
const MAX_SHORT_NUMBER_DIGITS = 6;
const MAX_NORMALIZED = 64;
const MAX_ORIGINAL = 256;
const WITHHELD = /^(anonymous|unknown|unavailable|restricted|private|withheld|blocked|no caller id|an unknown caller)$/i;

/**
 * Caller numbers as phone systems write them: `+4930…`, `tel:+1-555-…;phone-context=…`,
 * `sip:0301234@pbx`, `0049 30 …`, national `030 1234567`, extensions `1002`, or words for a withheld
 * number. E.164 via libphonenumber-js where the number is possible; national numbers need a region.
 */
export function normalizeCallerNumber(value: string | null | undefined, defaultRegion: string | null): CallerNumber | null {
  const original = value?.trim().slice(0, MAX_ORIGINAL) ?? '';
  if (original.length === 0) return null;
  const dialable = dialablePart(original);
  if (dialable === null || WITHHELD.test(original)) return { normalized: null, original };
  const digits = dialable.replace(/\D/g, '');
  if (digits.length === 0) return { normalized: null, original };
  const plus = dialable.startsWith('+');
  if (!plus && digits.length <= MAX_SHORT_NUMBER_DIGITS) return { normalized: digits, original };
  const region = regionOf(defaultRegion);
  const candidates = plus ? [`+${digits}`] : digits.startsWith('00') ? [digits, `+${digits.slice(2)}`] : [digits];
  for (const candidate of candidates) {
    const parsed = candidate.startsWith('+')
      ? parsePhoneNumberFromString(candidate)
      : region
        ? parsePhoneNumberFromString(candidate, region)
        : undefined;
    if (parsed?.isPossible()) return { normalized: parsed.number.slice(0, MAX_NORMALIZED), original };
  }
  return { normalized: `${plus ? '+' : ''}${digits}`.slice(0, MAX_NORMALIZED), original };
}

/** The number inside a `tel:`/`sip:` URI or a display form; null when the text is not a number at all. */
function dialablePart(text: string): string | null {
  let number = text;
  const uri = /^(?:tel|sips?):([^;@>]*)/i.exec(number);
  if (uri) number = uri[1] ?? '';
  number = number.replace(/^<|>$/g, '').trim();
  // Visual separators only: digits, +, spaces, dots, dashes, slashes and parentheses.
  return /^\+?[\d\s().\-/]+$/.test(number) ? number : null;
}

function regionOf(region: string | null): CountryCode | null {
  const upper = region?.trim().toUpperCase() ?? '';
  return upper.length === 2 && isSupportedCountry(upper) ? upper : null;
}

/** Whether a text reads as a phone number (for captions such as "Voice Mail from <caller>"). */
export function looksLikeNumber(text: string): boolean {
  const dialable = dialablePart(text.trim());
  return dialable !== null && /\d{2,}/.test(dialable.replace(/\D/g, ''));
}
