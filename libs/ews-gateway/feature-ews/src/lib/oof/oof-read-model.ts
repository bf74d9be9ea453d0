import { Injectable } from '@nestjs/common';
import { type OofView, unsetOofView } from '@parley/contracts';

/**
 * The gateway's own copy of every mailbox's OOF state, kept from calendar-sync's
 * `calendar.oof.changed.v1` events (each carries the full view and its revision) and from the
 * replies to this replica's own writes. Only ever moves forward: a view older than (or as old as)
 * the one held is ignored, so a late event cannot undo a newer write.
 *
 * Complete once it has read the whole (compacted) topic: then a mailbox it does not hold has never
 * changed its OOF, and its view is the Disabled default. Until then — and always on the in-process
 * bus, which keeps no history — a mailbox it does not hold is asked of calendar-sync.
 */
@Injectable()
export class OofReadModel {
  private readonly views = new Map<string, OofView>();
  private complete = false;

  /** Takes `view` if it is newer than the mailbox's current one; returns whether it did. */
  apply(view: OofView): boolean {
    const key = view.mailbox.toLowerCase();
    const current = this.views.get(key);
    if (current !== undefined && current.revision >= view.revision) return false;
    this.views.set(key, view);
    return true;
  }

  /** The mailbox's view, or undefined when only calendar-sync can tell (the model is not complete). */
  lookup(mailbox: string): OofView | undefined {
    const view = this.views.get(mailbox.toLowerCase());
    if (view !== undefined) return view;
    return this.complete ? unsetOofView(mailbox) : undefined;
  }

  /** The model has read every event that existed when it started (and keeps following). */
  markComplete(): void {
    this.complete = true;
  }

  get isComplete(): boolean {
    return this.complete;
  }

  get size(): number {
    return this.views.size;
  }
}
