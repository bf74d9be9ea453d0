import type { WatchedPresence } from '@parley/presence-bridge/feature-presence';
import type { WatcherView } from '@parley/presence-bridge/presence-engine';
import type { ServerMessageOf } from '@parley/presence-bridge/protocol';

interface Frame {
  view: WatcherView;
  frame: Buffer;
}

interface LatestChange {
  sequence: number;
  /** One per distinct view of this change: the shared one, the Offline one blocked watchers get, the user's own. */
  frames: Frame[];
}

/** Users whose latest change is kept (a change's frames are only reused while it is being fanned out). */
const MAX_USERS = 4096;
/** Distinct views of one change kept (shared, Offline, the user's own, and a spare). */
const MAX_VIEWS_PER_CHANGE = 4;

/**
 * Serializes each presence change once per distinct view, not once per socket: a thousand watchers
 * of one user cost one `JSON.stringify` and one buffer. A view is recognised by identity first (a
 * core that hands every watcher the same object), else by value among this change's views (a core
 * that builds one object per watcher), which is a few field comparisons instead of a serialization.
 * Only each user's latest change is kept, for at most `MAX_USERS` users.
 */
export class PresenceFrames {
  private readonly latest = new Map<string, LatestChange>();

  presence(update: WatchedPresence): Buffer {
    const change = this.latest.get(update.mailbox);
    if (change !== undefined && change.sequence === update.sequence) {
      for (const known of change.frames) if (known.view === update.view || sameJson(known.view, update.view)) return known.frame;
    }
    const message: ServerMessageOf<'presence'> = {
      type: 'presence',
      mailbox: update.mailbox,
      sequence: update.sequence,
      presence: update.view,
    };
    const frame = Buffer.from(JSON.stringify(message));
    if (change !== undefined && change.sequence === update.sequence) {
      if (change.frames.length < MAX_VIEWS_PER_CHANGE) change.frames.push({ view: update.view, frame });
    } else if (change === undefined || update.sequence > change.sequence) {
      // Re-inserted, so the Map's order is least recently changed first.
      this.latest.delete(update.mailbox);
      this.latest.set(update.mailbox, { sequence: update.sequence, frames: [{ view: update.view, frame }] });
      if (this.latest.size > MAX_USERS) this.latest.delete(this.latest.keys().next().value as string);
    }
    return frame;
  }

  /** Users whose latest change is held (tests). */
  get size(): number {
    return this.latest.size;
  }
}

/** Equality of JSON-shaped data (what a view is): the same serialization, without serializing. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    if (a.length !== other.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], other[i])) return false;
    return true;
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left).filter((k) => left[k] !== undefined);
  if (keys.length !== Object.keys(right).filter((k) => right[k] !== undefined).length) return false;
  // Same keys in the same order: JSON.stringify writes them in insertion order.
  const rightKeys = Object.keys(right).filter((k) => right[k] !== undefined);
  for (let i = 0; i < keys.length; i++) {
    if (keys[i] !== rightKeys[i] || !sameJson(left[keys[i]], right[keys[i]])) return false;
  }
  return true;
}
