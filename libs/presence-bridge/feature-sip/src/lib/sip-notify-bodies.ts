import type { WatchedPresence } from '@parley/presence-bridge/feature-presence';
import type { WatcherView } from '@parley/presence-bridge/presence-engine';
import type { SipEventPackage } from './sip-event-packages';

interface RenderedView {
  readonly view: WatcherView;
  readonly body: string;
}

interface LatestChange {
  readonly sequence: number;
  /** One per distinct view of this change (the shared one, the Offline one of blocked watchers, the user's own). */
  readonly bodies: RenderedView[];
}

/** Presentities (per package and URI) whose latest change is kept; a change's bodies are only reused while it fans out. */
const MAX_PRESENTITIES = 4096;
/** Distinct views of one change kept (shared, Offline, the user's own, and a spare). */
const MAX_VIEWS_PER_CHANGE = 4;

/**
 * NOTIFY bodies rendered once per distinct view of a change, not once per subscription: a thousand watchers of one
 * presentity cost one PIDF document. The presence core hands each watcher a view object of its own, so a view is
 * recognised by its fields (the same values, mostly the same objects) among the bodies of the change's sequence.
 * Only each presentity's latest change is kept, for at most `MAX_PRESENTITIES` of them.
 */
export class SipNotifyBodies {
  private readonly latest = new Map<string, LatestChange>();

  body(eventPackage: SipEventPackage, targetUri: string, presence: WatchedPresence): string {
    const key = `${eventPackage.name}\n${targetUri}`;
    const change = this.latest.get(key);
    const current = change !== undefined && change.sequence === presence.sequence;
    if (current) for (const known of change.bodies) if (sameJson(known.view, presence.view)) return known.body;
    const body = eventPackage.render(targetUri, presence.view);
    if (current) {
      if (change.bodies.length < MAX_VIEWS_PER_CHANGE) change.bodies.push({ view: presence.view, body });
    } else if (change === undefined || presence.sequence > change.sequence) {
      // Re-inserted, so the Map's order is least recently changed first.
      this.latest.delete(key);
      this.latest.set(key, { sequence: presence.sequence, bodies: [{ view: presence.view, body }] });
      if (this.latest.size > MAX_PRESENTITIES) this.latest.delete(this.latest.keys().next().value as string);
    }
    return body;
  }

  /** Presentities whose latest change is held (tests). */
  get size(): number {
    return this.latest.size;
  }
}

/** Equal views render equal bodies: the same JSON-shaped data (the core's views share most of their objects). */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left);
  if (keys.length !== Object.keys(right).length) return false;
  for (const key of keys) if (!Object.hasOwn(right, key) || !sameJson(left[key], right[key])) return false;
  return true;
}
