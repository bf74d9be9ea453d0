import { ActivityToken, Availability, AvailabilityToken, availabilityToken, BUSY_IDLE_SHIFT, isBusyRange } from './availability';
import { EndpointSource, EpochMs, MessageWaiting, PresencePolicy, PresenceSources, userStateValues } from './presence-sources';

export type MachineState = 'active' | 'inactive' | 'away';

const machineAvailability: Record<MachineState, number> = {
  active: Availability.available,
  inactive: Availability.availableIdle,
  away: Availability.away,
};

/** Which source decided the availability. */
export type PresenceDriver = 'user-state' | 'phone' | 'calendar' | 'endpoint' | 'none';

export interface EndpointView {
  endpointId: string;
  label: string;
  machineState: MachineState;
}

/** The aggregated presence of one user: what is published (watchers get a subset, see `viewFor`). */
export interface PresenceView {
  availability: number;
  token: AvailabilityToken;
  activity: ActivityToken | null;
  /** The OOF message while OOF is on (when it has text), otherwise the personal note. */
  note: { kind: 'personal' | 'oof'; text: string } | null;
  oof: boolean;
  /** Only while the calendar decides the state: "in a meeting until T" / "out of office until T", never a subject. */
  calendar: { state: 'in-a-meeting' | 'out-of-office'; until: string | null } | null;
  /** The latest activity on any endpoint, only once none is active (clients show "away for 20 min"). */
  lastActiveAt: string | null;
  driver: PresenceDriver;
  messageWaiting: MessageWaiting;
  /** Per-endpoint machine state; only the user themself sees it. */
  endpoints: EndpointView[];
}

export function machineState(endpoint: EndpointSource, now: EpochMs, policy: PresencePolicy): MachineState {
  const idleFor = now - endpoint.lastActivityAt;
  if (idleFor >= policy.awayAfterMs) return 'away';
  if (idleFor >= policy.idleAfterMs) return 'inactive';
  return 'active';
}

interface Contribution {
  availability: number;
  activity: ActivityToken | null;
  driver: PresenceDriver;
}

const noMessages: MessageWaiting = { newMessages: 0, oldMessages: 0 };

/**
 * The presence rules of docs/presence-bridge.md, in order:
 * 1. each endpoint's machine state from its last activity (policy thresholds, edge inclusive);
 * 2. the automatic state: phone and calendar (server-side) decide when present, the least available
 *    of them winning (phone on a tie); an endpoint that is not active turns Busy into Busy-idle;
 *    without them the most available endpoint's machine state; without any of these, Offline;
 * 3. a user state that has not expired replaces the automatic availability and activity;
 * 4. OOF never changes availability: it sets the marker, its message becomes the note, and it is the
 *    activity when nothing else names one.
 */
export function aggregatePresence(sources: PresenceSources, now: EpochMs, policy: PresencePolicy): PresenceView {
  const endpoints = sources.endpoints.map((e) => ({ source: e, state: machineState(e, now, policy) }));
  const mostActive = endpoints.reduce<MachineState | null>(
    (best, e) => (best === null || machineAvailability[e.state] < machineAvailability[best] ? e.state : best),
    null,
  );

  const calendar = sources.calendar && (sources.calendar.until === null || sources.calendar.until > now) ? sources.calendar : null;
  const serverSide: Contribution[] = [];
  if (sources.phone) {
    const conference = sources.phone.state === 'in-a-conference';
    serverSide.push({ availability: Availability.busy, activity: conference ? 'in-a-conference' : 'on-the-phone', driver: 'phone' });
  }
  if (calendar?.status === 'busy') serverSide.push({ availability: Availability.busy, activity: 'in-a-meeting', driver: 'calendar' });
  if (calendar?.status === 'out-of-office') {
    serverSide.push({ availability: Availability.away, activity: 'out-of-office', driver: 'calendar' });
  }

  let automatic: Contribution;
  if (serverSide.length > 0) {
    // Pushed phone first, so a tie keeps the phone (the more immediate activity).
    const least = serverSide.reduce((a, b) => (b.availability > a.availability ? b : a));
    const idle = mostActive !== null && mostActive !== 'active' && isBusyRange(least.availability);
    automatic = idle ? { ...least, availability: least.availability + BUSY_IDLE_SHIFT } : least;
  } else if (mostActive !== null) {
    automatic = { availability: machineAvailability[mostActive], activity: null, driver: 'endpoint' };
  } else {
    automatic = { availability: Availability.offline, activity: null, driver: 'none' };
  }

  const userState =
    sources.userState && (sources.userState.expiresAt === null || sources.userState.expiresAt > now) ? sources.userState : null;
  const decided: Contribution = userState ? { ...userStateValues[userState.state], driver: 'user-state' } : automatic;

  const oof = sources.oof?.active === true;
  const oofText = oof ? sources.oof?.message?.trim() || null : null;
  const personal = sources.personalNote?.trim() || null;
  const lastActivity = endpoints.length > 0 ? Math.max(...endpoints.map((e) => e.source.lastActivityAt)) : null;

  return {
    availability: decided.availability,
    token: availabilityToken(decided.availability) ?? 'offline',
    activity: decided.activity ?? (oof ? 'out-of-office' : null),
    note: oofText ? { kind: 'oof', text: oofText } : personal ? { kind: 'personal', text: personal } : null,
    oof,
    calendar:
      decided.driver === 'calendar' && calendar
        ? {
            state: calendar.status === 'busy' ? 'in-a-meeting' : 'out-of-office',
            until: calendar.until === null ? null : iso(calendar.until),
          }
        : null,
    lastActiveAt: mostActive !== null && mostActive !== 'active' && lastActivity !== null ? iso(lastActivity) : null,
    driver: decided.driver,
    messageWaiting: sources.messageWaiting ? { ...sources.messageWaiting } : { ...noMessages },
    // Sorted, so the order endpoints were handed in is no change.
    endpoints: endpoints
      .map((e) => ({ endpointId: e.source.endpointId, label: e.source.label, machineState: e.state }))
      .sort((a, b) => (a.endpointId < b.endpointId ? -1 : a.endpointId > b.endpointId ? 1 : 0)),
  };
}

/**
 * The next instant after `now` at which the same sources can aggregate differently by time alone (an
 * endpoint crossing a threshold, a user state expiring, the calendar status ending), or null.
 * The caller re-aggregates then instead of polling.
 */
export function nextReevaluationAt(sources: PresenceSources, now: EpochMs, policy: PresencePolicy): EpochMs | null {
  const candidates: number[] = [];
  for (const e of sources.endpoints) candidates.push(e.lastActivityAt + policy.idleAfterMs, e.lastActivityAt + policy.awayAfterMs);
  if (sources.userState?.expiresAt != null) candidates.push(sources.userState.expiresAt);
  if (sources.calendar?.until != null) candidates.push(sources.calendar.until);
  const future = candidates.filter((t) => t > now);
  return future.length > 0 ? Math.min(...future) : null;
}

function iso(ms: EpochMs): string {
  return new Date(ms).toISOString();
}
