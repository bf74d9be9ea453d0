import { isDeepStrictEqual } from 'node:util';
import { PresenceView } from './aggregate-presence';

/** A view as it was published, with the user's sequence number (watchers drop anything not newer). */
export interface PublishedPresence {
  sequence: number;
  view: PresenceView;
}

/**
 * The publication a new view calls for: null when it equals the last published one (each change
 * is published once), otherwise the view with the next sequence number (1 for a user's first).
 * A last publication whose view is unknown (null) keeps its sequence and counts as different.
 */
export function nextPublication(
  last: { sequence: number; view: PresenceView | null } | null,
  view: PresenceView,
): PublishedPresence | null {
  if (last?.view && isDeepStrictEqual(last.view, view)) return null;
  return { sequence: (last?.sequence ?? 0) + 1, view };
}
