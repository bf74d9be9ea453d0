import { canonicalWindowsId, windowsTimeZoneIds, windowsToIana, zoneOffsetMs } from '@parley/calendar-time';

const MINUTE_MS = 60_000;
const WEEK_MS = 7 * 86_400_000;
const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

/** A yearly "n-th weekday of a month at a wall-clock time" change, as `t:RecurringDayTransition` states it. */
export interface RecurringDayRule {
  /** 1–12. */
  readonly month: number;
  readonly dayOfWeek: (typeof DAY_NAMES)[number];
  /** 1–4, or -1 for the last one in the month. */
  readonly occurrence: number;
  /** Wall-clock time of the change, in the period being left, in minutes after midnight. */
  readonly timeOfDayMinutes: number;
}

/** A server time zone: its Windows id, a display name, and the rules of one reference year. */
export interface ServerTimeZone {
  readonly id: string;
  readonly name: string;
  /** Standard offset east of UTC, in minutes. */
  readonly standardOffsetMinutes: number;
  /** Present when the zone observes daylight saving time in the reference year. */
  readonly daylight?: {
    readonly offsetMinutes: number;
    readonly toDaylight: RecurringDayRule;
    readonly toStandard: RecurringDayRule;
  };
}

interface Change {
  readonly at: number;
  readonly from: number;
  readonly to: number;
}

/**
 * The server's time zones from the Windows↔IANA table, with each zone's rules derived from the
 * runtime's time zone data for `year` (clients only use the rule in force now: Exchange too sends
 * the current rule set last and clients take their base offset from it).
 */
export function serverTimeZones(year: number): ServerTimeZone[] {
  return windowsTimeZoneIds().flatMap((id) => {
    const zone = serverTimeZone(id, year);
    return zone ? [zone] : [];
  });
}

/**
 * Rules already derived, by year and canonical id. Deriving takes ~1.5 ms (a weekly scan of the
 * year through Intl), and it is asked per calendar item written and per mailbox of a free/busy
 * answer; ~140 zones a year, cleared if clients ever spread it over very many years.
 */
const derived = new Map<string, ServerTimeZone>();
const MAX_DERIVED = 2000;

/** One zone by Windows id (case-insensitive), or undefined when the id is unknown. */
export function serverTimeZone(windowsId: string, year: number): ServerTimeZone | undefined {
  const id = canonicalWindowsId(windowsId);
  const iana = id ? windowsToIana(id) : null;
  if (!id || !iana) return undefined;
  const key = `${year}/${id}`;
  let zone = derived.get(key);
  if (!zone) {
    zone = deriveZone(id, iana, year);
    if (derived.size >= MAX_DERIVED) derived.clear();
    derived.set(key, zone);
  }
  return zone;
}

function deriveZone(id: string, iana: string, year: number): ServerTimeZone {
  const changes = offsetChanges(iana, year);
  const daylight = changes.length === 2 ? daylightRules(changes) : undefined;
  const standardOffsetMinutes = daylight ? Math.min(changes[0].from, changes[0].to) / MINUTE_MS : mostCommonOffset(iana, year) / MINUTE_MS;
  return {
    id,
    name: `(UTC${formatOffset(standardOffsetMinutes)}) ${iana.replace(/_/g, ' ')}`,
    standardOffsetMinutes,
    daylight: daylight && { offsetMinutes: Math.max(changes[0].from, changes[0].to) / MINUTE_MS, ...daylight },
  };
}

function formatOffset(minutes: number): string {
  const abs = Math.abs(minutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${minutes < 0 ? '-' : '+'}${hh}:${mm}`;
}

/** Every offset change in `year`, to the minute (a weekly scan, then bisection). */
function offsetChanges(iana: string, year: number): Change[] {
  const start = Date.UTC(year, 0, 1);
  const end = Date.UTC(year + 1, 0, 1);
  const changes: Change[] = [];
  let t = start;
  let offset = zoneOffsetMs(iana, t);
  while (t < end) {
    const next = Math.min(t + WEEK_MS, end);
    const nextOffset = zoneOffsetMs(iana, next);
    if (nextOffset !== offset) {
      let lo = t;
      let hi = next;
      while (hi - lo > MINUTE_MS) {
        const mid = lo + Math.floor((hi - lo) / 2 / MINUTE_MS) * MINUTE_MS;
        if (zoneOffsetMs(iana, mid) === offset) lo = mid;
        else hi = mid;
      }
      changes.push({ at: hi, from: offset, to: zoneOffsetMs(iana, hi) });
    }
    t = next;
    offset = nextOffset;
  }
  return changes;
}

function mostCommonOffset(iana: string, year: number): number {
  const counts = new Map<number, number>();
  for (let month = 0; month < 12; month++) {
    const offset = zoneOffsetMs(iana, Date.UTC(year, month, 15));
    counts.set(offset, (counts.get(offset) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0][0];
}

function daylightRules(changes: Change[]): { toDaylight: RecurringDayRule; toStandard: RecurringDayRule } | undefined {
  const [a, b] = changes;
  // Two changes that return to where they started: one to daylight (the larger offset), one back.
  if (a.from !== b.to || a.to !== b.from || a.from === a.to) return undefined;
  const toDaylight = a.to > a.from ? a : b;
  const toStandard = toDaylight === a ? b : a;
  return { toDaylight: ruleOf(toDaylight), toStandard: ruleOf(toStandard) };
}

function ruleOf(change: Change): RecurringDayRule {
  const local = new Date(change.at + change.from);
  const day = local.getUTCDate();
  const month = local.getUTCMonth();
  const daysInMonth = new Date(Date.UTC(local.getUTCFullYear(), month + 1, 0)).getUTCDate();
  return {
    month: month + 1,
    dayOfWeek: DAY_NAMES[local.getUTCDay()],
    occurrence: day + 7 > daysInMonth && day >= 22 ? -1 : Math.ceil(day / 7),
    timeOfDayMinutes: local.getUTCHours() * 60 + local.getUTCMinutes(),
  };
}
