import { weekDays, type LegacyFreeBusyStatus, type WeekDay } from '@parley/contracts';
import type { AvailabilityZone } from './serializable-time-zone';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** Candidate start times are this far apart (Exchange's suggestion interval). */
export const SUGGESTION_STEP_MINUTES = 30;

export const suggestionQualities = ['Excellent', 'Good', 'Fair', 'Poor'] as const;
export type SuggestionQuality = (typeof suggestionQualities)[number];

export const attendeeTypes = ['Organizer', 'Required', 'Optional', 'Room', 'Resource'] as const;
export type AttendeeType = (typeof attendeeTypes)[number];

export interface BusyInterval {
  readonly start: number;
  readonly end: number;
  readonly busyType: LegacyFreeBusyStatus;
}

/** Working hours in the mailbox's own zone. */
export interface AttendeeWorkingHours {
  readonly zone: AvailabilityZone;
  readonly days: readonly WeekDay[];
  readonly startMinutes: number;
  readonly endMinutes: number;
}

export interface SuggestionAttendee {
  readonly type: AttendeeType;
  /** The attendee's conflicts do not lower a suggestion's quality (they are still reported). */
  readonly excludeConflicts: boolean;
  /** null when nothing is known of the mailbox (not in the directory, or no answer for it). */
  readonly calendar: { readonly busy: readonly BusyInterval[]; readonly workingHours: AttendeeWorkingHours | null } | null;
}

export interface SuggestionOptions {
  /** Percentage of conflicting attendees up to which a time is still Good (1–49). */
  readonly goodThreshold: number;
  readonly maximumResultsByDay: number;
  readonly maximumNonWorkHourResultsByDay: number;
  readonly meetingDurationMinutes: number;
  readonly minimumQuality: SuggestionQuality;
  /** Instants (UTC ms); every suggested meeting lies inside. */
  readonly windowStart: number;
  readonly windowEnd: number;
  /** Start of the meeting being moved: its own busy block is not a conflict. */
  readonly currentMeetingStart: number | null;
}

export type AttendeeConflict = { readonly kind: 'Individual'; readonly busyType: LegacyFreeBusyStatus } | { readonly kind: 'Unknown' };

export interface MeetingSuggestion {
  readonly start: number;
  readonly isWorkTime: boolean;
  readonly quality: SuggestionQuality;
  /** One per attendee, in the attendees' order. */
  readonly conflicts: readonly AttendeeConflict[];
}

export interface SuggestionDay {
  /** The day's midnight as a wall clock in the request's zone (read as UTC ms). */
  readonly localDate: number;
  readonly quality: SuggestionQuality;
  /** In time order. */
  readonly suggestions: readonly MeetingSuggestion[];
}

// Strength of a status when several events overlap one candidate: the strongest is reported.
const STATUS_WEIGHT: Record<LegacyFreeBusyStatus, number> = { Free: 0, NoData: 1, WorkingElsewhere: 2, Tentative: 3, Busy: 4, OOF: 5 };
const CONFLICTING: ReadonlySet<LegacyFreeBusyStatus> = new Set(['Tentative', 'Busy', 'OOF']);
const PEOPLE: ReadonlySet<AttendeeType> = new Set(['Organizer', 'Required', 'Optional']);

/**
 * Exchange's meeting suggestions: for each day of the window (days of the request's zone), every
 * start on a 30-minute step whose meeting fits in the window, rated by the share of attendees
 * (organizer, required, optional) with a conflict — none Excellent, up to GoodThreshold Good,
 * under 50% Fair, else Poor; a busy room or resource makes it Poor. Per day the best work-time
 * and non-work-time candidates are kept (each capped), at least MinimumSuggestionQuality, listed
 * in time order; the day's quality is its best suggestion's (Poor without any).
 */
export function suggestMeetingTimes(
  attendees: readonly SuggestionAttendee[],
  options: SuggestionOptions,
  zone: AvailabilityZone,
): SuggestionDay[] {
  const organizerHours = (attendees.find((a) => a.type === 'Organizer') ?? attendees[0])?.calendar?.workingHours ?? null;
  return localDays(options, zone).map((localDate) => {
    const candidates = candidateStarts(localDate, options, zone).map((start) => rateCandidate(start, attendees, options, organizerHours));
    const suggestions = pickForDay(candidates, options);
    return { localDate, quality: bestQuality(suggestions), suggestions };
  });
}

/** Local midnights of the days the window touches. */
function localDays(options: SuggestionOptions, zone: AvailabilityZone): number[] {
  const first = Math.floor(zone.toLocal(options.windowStart) / DAY_MS) * DAY_MS;
  const days: number[] = [];
  for (let day = first; day < zone.toLocal(options.windowEnd); day += DAY_MS) days.push(day);
  return days;
}

/** UTC starts of the day's candidates; a wall time skipped by a DST change lands on the next one, so duplicates are dropped. */
function candidateStarts(localDate: number, options: SuggestionOptions, zone: AvailabilityZone): number[] {
  const duration = options.meetingDurationMinutes * MINUTE_MS;
  const starts = new Set<number>();
  for (let local = localDate; local < localDate + DAY_MS; local += SUGGESTION_STEP_MINUTES * MINUTE_MS) {
    const start = zone.toUtc(local);
    if (start >= options.windowStart && start + duration <= options.windowEnd) starts.add(start);
  }
  return [...starts].sort((a, b) => a - b);
}

function rateCandidate(
  start: number,
  attendees: readonly SuggestionAttendee[],
  options: SuggestionOptions,
  organizerHours: AttendeeWorkingHours | null,
): MeetingSuggestion {
  const end = start + options.meetingDurationMinutes * MINUTE_MS;
  const isMovedMeeting = (b: BusyInterval) => b.start === options.currentMeetingStart && b.end - b.start === end - start;
  const conflicts = attendees.map((a): AttendeeConflict =>
    a.calendar === null
      ? { kind: 'Unknown' }
      : {
          kind: 'Individual',
          busyType: statusDuring(
            a.calendar.busy.filter((b) => !isMovedMeeting(b)),
            start,
            end,
          ),
        },
  );
  return {
    start,
    isWorkTime: isWorkTime(start, end, organizerHours),
    quality: qualityOf(attendees, conflicts, options.goodThreshold),
    conflicts,
  };
}

/** The strongest status of the events overlapping [start, end); Free when none does. */
export function statusDuring(busy: readonly BusyInterval[], start: number, end: number): LegacyFreeBusyStatus {
  let status: LegacyFreeBusyStatus = 'Free';
  for (const b of busy) {
    if (b.start < end && b.end > start && STATUS_WEIGHT[b.busyType] > STATUS_WEIGHT[status]) status = b.busyType;
  }
  return status;
}

export function qualityOf(
  attendees: readonly SuggestionAttendee[],
  conflicts: readonly AttendeeConflict[],
  goodThreshold: number,
): SuggestionQuality {
  const conflicting = (i: number) => {
    const c = conflicts[i];
    return c.kind === 'Individual' && CONFLICTING.has(c.busyType);
  };
  const counted = attendees.flatMap((a, i) => (a.calendar !== null && !a.excludeConflicts ? [i] : []));
  if (counted.some((i) => !PEOPLE.has(attendees[i].type) && conflicting(i))) return 'Poor';
  const people = counted.filter((i) => PEOPLE.has(attendees[i].type));
  const percent = people.length === 0 ? 0 : (100 * people.filter(conflicting).length) / people.length;
  if (percent === 0) return 'Excellent';
  if (percent <= goodThreshold) return 'Good';
  if (percent < 50) return 'Fair';
  return 'Poor';
}

/** Within the organizer's working hours on a working day of its zone; without known hours every time counts as work time. */
export function isWorkTime(start: number, end: number, hours: AttendeeWorkingHours | null): boolean {
  if (hours === null) return true;
  const localStart = hours.zone.toLocal(start);
  const midnight = Math.floor(localStart / DAY_MS) * DAY_MS;
  const weekDay = weekDays[new Date(midnight).getUTCDay()];
  return (
    hours.days.includes(weekDay) &&
    localStart >= midnight + hours.startMinutes * MINUTE_MS &&
    hours.zone.toLocal(end) <= midnight + hours.endMinutes * MINUTE_MS
  );
}

const rank = (q: SuggestionQuality) => suggestionQualities.indexOf(q);

/** The best candidates (quality, then earliest) within each cap, back in time order. */
function pickForDay(candidates: readonly MeetingSuggestion[], options: SuggestionOptions): MeetingSuggestion[] {
  const good = candidates.filter((c) => rank(c.quality) <= rank(options.minimumQuality));
  const best = (list: MeetingSuggestion[], cap: number) =>
    [...list].sort((a, b) => rank(a.quality) - rank(b.quality) || a.start - b.start).slice(0, cap);
  return [
    ...best(
      good.filter((c) => c.isWorkTime),
      options.maximumResultsByDay,
    ),
    ...best(
      good.filter((c) => !c.isWorkTime),
      options.maximumNonWorkHourResultsByDay,
    ),
  ].sort((a, b) => a.start - b.start);
}

function bestQuality(suggestions: readonly MeetingSuggestion[]): SuggestionQuality {
  return suggestions.reduce<SuggestionQuality>((best, s) => (rank(s.quality) < rank(best) ? s.quality : best), 'Poor');
}
