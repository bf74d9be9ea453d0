// How a presence reads and looks: the availability's label and tone, the activity line, the note.
import type { Translator } from './i18n/i18n';
import type { AvailabilityToken, PresenceState, UserState } from './protocol';

/** The colour family of an availability; the label and the shape always go with it. */
export type Tone = 'available' | 'busy' | 'away' | 'offline';

const TONES: Record<AvailabilityToken, Tone> = {
  available: 'available',
  'available-idle': 'available',
  busy: 'busy',
  'busy-idle': 'busy',
  'do-not-disturb': 'busy',
  'be-right-back': 'away',
  away: 'away',
  offline: 'offline',
};

export function toneOf(token: AvailabilityToken): Tone {
  return TONES[token] ?? 'offline';
}

export function isIdle(token: AvailabilityToken): boolean {
  return token === 'available-idle' || token === 'busy-idle';
}

export function availabilityLabel(t: Translator, token: AvailabilityToken): string {
  return t.t(`availability.${token}`);
}

/** "In a meeting until 11:30", "On the phone", … or null when the availability says it all. */
export function activityText(t: Translator, presence: PresenceState, now: number): string | null {
  const until = presence.calendar?.until ? Date.parse(presence.calendar.until) : Number.NaN;
  if (presence.calendar?.state === 'in-a-meeting') {
    return Number.isNaN(until) ? t.t('activity.in-a-meeting') : t.t('activity.in-a-meeting-until', { time: t.when(until, now) });
  }
  if (presence.calendar?.state === 'out-of-office') {
    return Number.isNaN(until) ? t.t('activity.out-of-office') : t.t('activity.out-of-office-until', { time: t.when(until, now) });
  }
  if (presence.activity) return t.t(`activity.${presence.activity}`);
  if (presence.token === 'offline' && presence.lastActiveAt) {
    return t.t('presence.lastActive', { time: t.when(Date.parse(presence.lastActiveAt), now) });
  }
  return null;
}

/** The one line under a contact's name: availability, then the activity when there is one. */
export function presenceLine(t: Translator, presence: PresenceState, now: number): string {
  const activity = activityText(t, presence, now);
  const label = availabilityLabel(t, presence.token);
  return activity && activity !== label ? `${label} · ${activity}` : label;
}

/**
 * The note to show: the server already sends the OOF message in place of the personal note while
 * OOF is on; `oof` says which one it is, so the view can mark it.
 */
export function noteOf(presence: PresenceState): { text: string; oof: boolean } | null {
  const text = presence.note?.text.trim();
  if (!text) return null;
  return { text, oof: presence.note?.kind === 'oof' };
}

/** The states a user picks here, in the order Lync lists them ("appear offline" is not offered). */
export const PICKABLE_STATES: readonly UserState[] = ['available', 'busy', 'do-not-disturb', 'be-right-back', 'away', 'off-work'];
export const AUTOMATIC = 'automatic';

/**
 * Which choice the picker shows for the server's view of oneself: the hand-set state when the user
 * state decides (read back from the computed presence), otherwise automatic.
 */
export function pickedStateOf(own: PresenceState | null): UserState | typeof AUTOMATIC {
  if (!own || own.driver !== 'user-state') return AUTOMATIC;
  switch (own.token) {
    case 'available':
    case 'available-idle':
      return 'available';
    case 'busy':
    case 'busy-idle':
      return 'busy';
    case 'do-not-disturb':
      return 'do-not-disturb';
    case 'be-right-back':
      return 'be-right-back';
    case 'away':
      return own.activity === 'off-work' ? 'off-work' : 'away';
    default:
      return AUTOMATIC;
  }
}
