/**
 * Each watched user's block list on this replica, tagged with the block-list version it was read
 * under. Every presence change carries the owner's current version; a change with a higher one
 * than the cached copy means the list changed (anywhere), so it is read again before the change is
 * handed to watchers. Concurrent requests for one owner share one read; a failed read is not kept.
 */
export class BlockListCache {
  private readonly entries = new Map<string, { version: number; blocked: Promise<ReadonlySet<string>> }>();

  constructor(private readonly load: (owner: string) => Promise<readonly string[]>) {}

  /** The watchers `owner` blocked, as of block-list version `version` or later. */
  get(owner: string, version: number): Promise<ReadonlySet<string>> {
    const cached = this.entries.get(owner);
    if (cached && cached.version >= version) return cached.blocked;
    const blocked = this.load(owner).then((list) => new Set(list) as ReadonlySet<string>);
    const entry = { version, blocked };
    this.entries.set(owner, entry);
    blocked.catch(() => {
      if (this.entries.get(owner) === entry) this.entries.delete(owner);
    });
    return blocked;
  }

  forget(owner: string): void {
    this.entries.delete(owner);
  }

  get size(): number {
    return this.entries.size;
  }
}
