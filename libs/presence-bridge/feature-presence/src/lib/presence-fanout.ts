import { Injectable, Logger } from '@nestjs/common';
import { mailboxKey, PresenceChanged } from '@parley/contracts';
import { BlockListRepository } from '@parley/presence-bridge/data-access';
import { viewFor } from '@parley/presence-bridge/presence-engine';
import { BlockListCache } from './block-list.cache';
import { PresenceCoreErrorCode, PresenceCoreException } from './presence-core.exception';
import { PresenceListener, PresenceWatchers } from './presence-ports';
import { SequenceGate } from './sequence-gate';
import { WatchIndex } from './watch-index';

/**
 * This replica's watchers (PresenceWatchers). Every replica reads every presence change (see
 * PresenceFeedConsumer) and hands it only to its own watchers of that user: an index target →
 * subscriptions, a sequence gate per watched target (older or repeated changes are dropped), and
 * the watched users' block lists, cached and re-read when a change carries a newer block-list
 * version. Each watcher gets `viewFor` its own relation to the user: the user everything, a blocked
 * watcher Offline, everyone else the shared view.
 */
@Injectable()
export class PresenceFanout extends PresenceWatchers {
  private readonly logger = new Logger('PresenceFanout');
  private readonly gate = new SequenceGate();
  private readonly blockLists: BlockListCache;
  private readonly index: WatchIndex<PresenceListener>;

  constructor(blocks: BlockListRepository) {
    super();
    this.blockLists = new BlockListCache((owner) => blocks.blocked(owner));
    this.index = new WatchIndex<PresenceListener>((target) => {
      this.gate.forget(target);
      this.blockLists.forget(target);
    });
  }

  watch(watcher: string, target: string, listener: PresenceListener): () => void {
    return this.index.add(address(watcher), address(target), listener);
  }

  /** Subscriptions and watched users on this replica (metrics, tests). */
  get stats(): { subscriptions: number; watchedTargets: number; cachedBlockLists: number } {
    return { subscriptions: this.index.size, watchedTargets: this.index.watchedTargets, cachedBlockLists: this.blockLists.size };
  }

  /** Hands a published change to this replica's watchers of its user. */
  async deliver(change: PresenceChanged): Promise<void> {
    const owner = change.mailbox;
    if (!this.index.isWatched(owner)) return;
    if (!this.gate.admit(owner, change.sequence)) return;
    const someoneElse = this.index.subscriptionsOf(owner)?.some((s) => s.watcher !== owner) ?? false;
    const blocked = someoneElse ? await this.blockLists.get(owner, change.blockListVersion) : new Set<string>();
    // Subscriptions taken after the block list is known, so one added meanwhile gets this change too.
    for (const subscription of this.index.subscriptionsOf(owner) ?? []) {
      const view = viewFor({ mailbox: subscription.watcher }, owner, change.view, blocked.has(subscription.watcher));
      try {
        subscription.listener({ mailbox: owner, sequence: change.sequence, view });
      } catch (error) {
        this.logger.error(`a watcher of ${owner} failed on sequence ${change.sequence}: ${String(error)}`);
      }
    }
  }
}

function address(value: string): string {
  const parsed = mailboxKey.safeParse(value);
  if (!parsed.success) throw new PresenceCoreException(PresenceCoreErrorCode.InvalidAddress, `"${value}" is not an SMTP address`);
  return parsed.data;
}
