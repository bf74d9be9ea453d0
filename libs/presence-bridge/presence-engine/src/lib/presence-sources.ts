import { ActivityToken, Availability } from './availability';

/** Instants are epoch milliseconds, as elsewhere in Parley's time code. */
export type EpochMs = number;

/** One connected client (JSON WebSocket connection or SIP registration) of the user. */
export interface EndpointSource {
  endpointId: string;
  /** What the user calls this client ("Parley web", a SIP user agent); shown only to the user. */
  label: string;
  /** The last keyboard/mouse/touch activity the client reported (the connect time until it reports one). */
  lastActivityAt: EpochMs;
}

/**
 * The calendar state calendar-sync publishes: the merged free/busy status now and when it ends.
 * Never the subject: it does not leave calendar-sync.
 */
export interface CalendarSource {
  status: 'busy' | 'tentative' | 'out-of-office' | 'free';
  /** When this status ends (null: open-ended). A status whose end has passed is ignored. */
  until: EpochMs | null;
}

/** The effective OOF state (calendar-sync switches Scheduled OOF on and off on time). */
export interface OofSource {
  active: boolean;
  /** The internal reply text; shown as the OOF note while active. */
  message: string | null;
}

/** A call from a PBX integration or a conference. */
export interface PhoneSource {
  state: 'in-a-call' | 'in-a-conference';
}

/** The states a user can set by hand (Lync's menu, plus Graph's "appear offline" pair Offline/OffWork). */
export const userStates = ['available', 'busy', 'do-not-disturb', 'be-right-back', 'away', 'off-work', 'appear-offline'] as const;
export type UserStateName = (typeof userStates)[number];

export interface UserStateSource {
  state: UserStateName;
  /** When it stops applying (null: until the user resets it). Expiry exactly at `now` counts as expired. */
  expiresAt: EpochMs | null;
}

/** Voicemail counts (RFC 3842 message-summary shape); the voicemail service feeds them. */
export interface MessageWaiting {
  newMessages: number;
  oldMessages: number;
}

/** Everything known about one user at one instant; absent sources are null or empty. */
export interface PresenceSources {
  endpoints: readonly EndpointSource[];
  calendar: CalendarSource | null;
  oof: OofSource | null;
  phone: PhoneSource | null;
  userState: UserStateSource | null;
  personalNote: string | null;
  messageWaiting: MessageWaiting | null;
}

export const noSources: PresenceSources = {
  endpoints: [],
  calendar: null,
  oof: null,
  phone: null,
  userState: null,
  personalNote: null,
  messageWaiting: null,
};

/** Idle thresholds: after `idleAfterMs` without activity an endpoint is inactive, after `awayAfterMs` away. */
export interface PresencePolicy {
  idleAfterMs: number;
  awayAfterMs: number;
}

/** Communicator's defaults: inactive after 5 minutes, away after 15. */
export const defaultPresencePolicy: PresencePolicy = { idleAfterMs: 5 * 60_000, awayAfterMs: 15 * 60_000 };

/** A policy whose thresholds make sense (positive, away after idle); throws naming the bad field. */
export function presencePolicy(policy: PresencePolicy): PresencePolicy {
  if (!Number.isInteger(policy.idleAfterMs) || policy.idleAfterMs <= 0) throw new RangeError('idleAfterMs must be a positive integer');
  if (!Number.isInteger(policy.awayAfterMs) || policy.awayAfterMs <= policy.idleAfterMs) {
    throw new RangeError('awayAfterMs must be an integer greater than idleAfterMs');
  }
  return policy;
}

/** A hand-set state's availability number and activity. */
export const userStateValues: Record<UserStateName, { availability: number; activity: ActivityToken | null }> = {
  available: { availability: Availability.available, activity: null },
  busy: { availability: Availability.busy, activity: null },
  'do-not-disturb': { availability: Availability.doNotDisturb, activity: null },
  'be-right-back': { availability: Availability.beRightBack, activity: null },
  away: { availability: Availability.away, activity: null },
  'off-work': { availability: Availability.away, activity: 'off-work' },
  'appear-offline': { availability: Availability.offline, activity: 'off-work' },
};
