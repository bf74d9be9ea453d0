/** One watcher's interest in one target on this replica. */
export interface Subscription<L> {
  readonly watcher: string;
  readonly target: string;
  readonly listener: L;
}

/**
 * Who on this replica watches whom: target → its subscriptions. A change for a target nobody here
 * watches costs one map lookup. When a target's last subscription goes, `onTargetUnwatched` lets
 * per-target state (the sequence gate) go with it, so memory follows what is watched.
 */
export class WatchIndex<L> {
  private readonly byTarget = new Map<string, Set<Subscription<L>>>();
  private subscriptions = 0;

  constructor(private readonly onTargetUnwatched: (target: string) => void = () => undefined) {}

  /** Adds a subscription; the returned function removes it (calling it again does nothing). */
  add(watcher: string, target: string, listener: L): () => void {
    const subscription: Subscription<L> = { watcher, target, listener };
    let set = this.byTarget.get(target);
    if (!set) {
      set = new Set();
      this.byTarget.set(target, set);
    }
    set.add(subscription);
    this.subscriptions++;
    let removed = false;
    return () => {
      if (removed) return;
      removed = true;
      this.remove(subscription);
    };
  }

  /** The target's subscriptions now (a copy: listeners may subscribe or unsubscribe while it is walked); undefined when none. */
  subscriptionsOf(target: string): Subscription<L>[] | undefined {
    const set = this.byTarget.get(target);
    return set ? [...set] : undefined;
  }

  isWatched(target: string): boolean {
    return this.byTarget.has(target);
  }

  get watchedTargets(): number {
    return this.byTarget.size;
  }

  get size(): number {
    return this.subscriptions;
  }

  private remove(subscription: Subscription<L>): void {
    const set = this.byTarget.get(subscription.target);
    if (!set?.delete(subscription)) return;
    this.subscriptions--;
    if (set.size === 0) {
      this.byTarget.delete(subscription.target);
      this.onTargetUnwatched(subscription.target);
    }
  }
}
