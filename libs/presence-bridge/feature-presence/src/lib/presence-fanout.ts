import { Injectable, Logger } from '@nestjs/common';
import { mailboxKey, PresenceChanged } from '@parley/contracts';
import { viewFor } from '@parley/presence-bridge/presence-engine';
import { PresenceCoreErrorCode, PresenceCoreException } from './presence-core.exception';
import { PresenceListener, PresenceWatchers } from './presence-ports';
import { SequenceGate } from './sequence-gate';
import { WatchIndex } from './watch-index';

/**
 * This replica's watchers (PresenceWatchers). Every replica reads every presence change (see
 * PresenceFeedConsumer) and hands it only to its own watchers of that user: an index target →
 * subscriptions, and a sequence gate per watched target (older or repeated changes are dropped).
 * Each watcher gets `viewFor` its own relation to the user — the user everything, everyone else the
 * shared view — so delivery needs no read of its own. A watcher on the user's block list (carried by
 * the change, each with the sequence that carried the block) gets the publication of the block as
 * Offline and none after it: a user who really went offline publishes nothing more, so a stream of
 * "Offline, sequence N+1, N+2, ..." would give the block away and show when the user is active.
 */
@Injectable()
export class PresenceFanout extends PresenceWatchers {
  private readonly logger = new Logger('PresenceFanout');
  private readonly gate = new SequenceGate();
  private readonly index = new WatchIndex<PresenceListener>((target) => this.gate.forget(target));

  watch(watcher: string, target: string, listener: PresenceListener): () => void {
    return this.index.add(address(watcher), address(target), listener);
  }

  /** Subscriptions and watched users on this replica (metrics, tests). */
  get stats(): { subscriptions: number; watchedTargets: number } {
    return { subscriptions: this.index.size, watchedTargets: this.index.watchedTargets };
  }

  /** Hands a published change to this replica's watchers of its user. */
  deliver(change: PresenceChanged): void {
    const owner = change.mailbox;
    const subscriptions = this.index.subscriptionsOf(owner);
    if (!subscriptions) return;
    if (!this.gate.admit(owner, change.sequence)) return;
    const blockedSince = new Map(change.blockedWatchers.map((b) => [b.watcher, b.since]));
    for (const subscription of subscriptions) {
      const since = blockedSince.get(subscription.watcher);
      if (since !== undefined && since !== change.sequence) continue;
      const view = viewFor({ mailbox: subscription.watcher }, owner, change.view, since !== undefined);
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
