import { Availability } from './availability';
import { PresenceView } from './aggregate-presence';

/** What a watcher receives: the published view minus what is private to the user. */
export type WatcherView = Omit<PresenceView, 'endpoints' | 'messageWaiting' | 'driver'> &
  Partial<Pick<PresenceView, 'endpoints' | 'messageWaiting' | 'driver'>>;

export interface Watcher {
  /** The watcher's lower-cased mailbox address. */
  mailbox: string;
}

/**
 * The view one watcher gets of one user. The user sees everything (per-endpoint detail, message
 * waiting, which source decided). A watcher the user blocked sees Offline and nothing else, the same
 * as a user who is really offline, so a block is not detectable. Everyone else sees the aggregate;
 * someone who appears offline shows no last-active time either.
 */
export function viewFor(watcher: Watcher, owner: string, view: PresenceView, blockedByOwner: boolean): WatcherView {
  if (watcher.mailbox === owner) return view;
  if (blockedByOwner) return offlineView();
  const shared: WatcherView = {
    availability: view.availability,
    token: view.token,
    activity: view.activity,
    note: view.note,
    oof: view.oof,
    calendar: view.calendar,
    lastActiveAt: view.token === 'offline' ? null : view.lastActiveAt,
  };
  return shared;
}

export function offlineView(): WatcherView {
  return {
    availability: Availability.offline,
    token: 'offline',
    activity: null,
    note: null,
    oof: false,
    calendar: null,
    lastActiveAt: null,
  };
}
