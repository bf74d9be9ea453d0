import { ActivityToken, AvailabilityToken, availabilityToken } from './availability';
import { UserStateName } from './presence-sources';

/** Microsoft Graph `presence.availability` values. */
export type GraphAvailability =
  'Available' | 'AvailableIdle' | 'Away' | 'BeRightBack' | 'Busy' | 'BusyIdle' | 'DoNotDisturb' | 'Offline' | 'PresenceUnknown';

/** Microsoft Graph `presence.activity` values Parley produces. */
export type GraphActivity =
  | 'Available'
  | 'Away'
  | 'BeRightBack'
  | 'Busy'
  | 'DoNotDisturb'
  | 'InACall'
  | 'InAConferenceCall'
  | 'Inactive'
  | 'InAMeeting'
  | 'Offline'
  | 'OffWork'
  | 'OutOfOffice'
  | 'PresenceUnknown'
  | 'Presenting';

const graphAvailabilityOf: Record<AvailabilityToken, GraphAvailability> = {
  available: 'Available',
  'available-idle': 'AvailableIdle',
  busy: 'Busy',
  'busy-idle': 'BusyIdle',
  'do-not-disturb': 'DoNotDisturb',
  'be-right-back': 'BeRightBack',
  away: 'Away',
  offline: 'Offline',
};

const graphActivityOf: Record<ActivityToken, GraphActivity> = {
  'in-a-meeting': 'InAMeeting',
  'in-a-conference': 'InAConferenceCall',
  'on-the-phone': 'InACall',
  presenting: 'Presenting',
  'off-work': 'OffWork',
  'out-of-office': 'OutOfOffice',
};

/**
 * An availability number and activity token as Graph's pair. A number outside every range is
 * PresenceUnknown/PresenceUnknown; without an activity token the idle ranges say Inactive and the
 * others repeat their availability's name.
 */
export function toGraphPresence(
  availability: number,
  activity: ActivityToken | null,
): { availability: GraphAvailability; activity: GraphActivity } {
  const token = availabilityToken(availability);
  if (token === null) return { availability: 'PresenceUnknown', activity: 'PresenceUnknown' };
  const graphAvailability = graphAvailabilityOf[token];
  if (activity !== null) return { availability: graphAvailability, activity: graphActivityOf[activity] };
  if (token === 'available-idle' || token === 'busy-idle') return { availability: graphAvailability, activity: 'Inactive' };
  return { availability: graphAvailability, activity: graphAvailability as GraphActivity };
}

/** The pairs `setUserPreferredPresence` accepts, and the user state each one sets. */
const preferredPairs: Record<string, UserStateName> = {
  'Available/Available': 'available',
  'Busy/Busy': 'busy',
  'DoNotDisturb/DoNotDisturb': 'do-not-disturb',
  'BeRightBack/BeRightBack': 'be-right-back',
  'Away/Away': 'away',
  'Offline/OffWork': 'appear-offline',
};

/** The user state a Graph preferred-presence pair sets, or null when Graph does not accept the pair. */
export function userStateFromGraph(availability: string, activity: string): UserStateName | null {
  return preferredPairs[`${availability}/${activity}`] ?? null;
}

const DAY_MS = 24 * 60 * 60_000;

/** Graph's expiry for a preferred presence set without `expirationDuration`: Busy and Do not disturb a day, the others a week. */
export function graphDefaultPreferredExpiryMs(state: UserStateName): number {
  return state === 'busy' || state === 'do-not-disturb' ? DAY_MS : 7 * DAY_MS;
}
