// Wall-clock times in a named time zone, with Intl only (no date library in the bundle).

const partsFormatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = partsFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partsFormatters.set(timeZone, formatter);
  }
  return formatter;
}

interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallOf(instant: number, timeZone: string): Wall {
  const parts = Object.fromEntries(
    partsFormatter(timeZone)
      .formatToParts(new Date(instant))
      .map((p) => [p.type, p.value]),
  );
  return {
    year: Number(parts['year']),
    month: Number(parts['month']),
    day: Number(parts['day']),
    hour: Number(parts['hour']) % 24,
    minute: Number(parts['minute']),
    second: Number(parts['second']),
  };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The wall time of `instant` in `timeZone` as a `datetime-local` value (`YYYY-MM-DDTHH:mm`). */
export function toLocalInputValue(instant: number, timeZone: string): string {
  const w = wallOf(instant, timeZone);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}`;
}

const WALL_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/;

/**
 * The instant a wall time (`YYYY-MM-DDTHH:mm[:ss[.fff]]`, no offset) names in `timeZone`; NaN when
 * unreadable. A wall time skipped by a DST change moves forward by the gap; a repeated one is its later instant.
 */
export function wallTimeToInstant(wallTime: string, timeZone: string): number {
  const m = WALL_PATTERN.exec(wallTime.trim());
  if (!m) return Number.NaN;
  const asUtc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0));
  if (timeZone.toUpperCase() === 'UTC') return asUtc;
  const offsetAt = (instant: number) => {
    const w = wallOf(instant, timeZone);
    return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(instant / 1000) * 1000;
  };
  // The offsets in force around the wall time (a day either side covers every zone's offset), each a candidate.
  const near = offsetAt(asUtc);
  const offsets = new Set([near, offsetAt(asUtc - near), offsetAt(asUtc - 86_400_000), offsetAt(asUtc + 86_400_000)]);
  const candidates = [...offsets].map((offset) => asUtc - offset);
  const exact = candidates.filter((instant) => offsetAt(instant) === asUtc - instant);
  // Several exact ones: a repeated hour, the later wins. None: a skipped hour, the offset before the change moves it forward.
  return Math.max(...(exact.length > 0 ? exact : candidates));
}

/** The browser's IANA time zone. */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}
