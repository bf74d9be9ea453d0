import { Injectable } from '@nestjs/common';
import { PresenceChanged, Topics } from '@parley/contracts';
import type { Transaction } from '@parley/persistence';
import {
  BlockListRepository,
  EndpointRepository,
  PresenceSettingRepository,
  PresenceSourceRepository,
  StoredPresence,
  StoredPresenceSetting,
  UserPresenceRepository,
} from '@parley/presence-bridge/data-access';
import {
  aggregatePresence,
  nextPublication,
  nextReevaluationAt,
  PresenceSources,
  PresenceView,
  UserStateName,
  userStates,
  UserStateSource,
} from '@parley/presence-bridge/presence-engine';
import { PresenceCoreOptions } from './presence-core.options';

/** What one republication did. */
export interface Republication {
  /** Whether the view (or the block list) changed, so a `presence.presence.changed.v1` went into the outbox. */
  published: boolean;
  sequence: number;
  view: PresenceView;
  /** When time alone changes the view next (null: nothing ahead). */
  reevaluateAt: Date | null;
}

/**
 * The one place a user's presence is computed and published. Every change of one of the user's
 * sources calls `republish` in the transaction that made it: the user's `user_presence` row is
 * locked, every source is loaded (hand-set state and note, calendar and effective OOF, live
 * endpoints, message waiting), the engine aggregates them, and a view that differs from the last
 * published one is stored and published with the next sequence, together with the instant time
 * alone will change it (the re-evaluation poller's due time).
 */
@Injectable()
export class PresenceViewPublisher {
  private readonly plannedListeners: ((at: Date) => void)[] = [];

  constructor(
    private readonly presences: UserPresenceRepository,
    private readonly sources: PresenceSourceRepository,
    private readonly settings: PresenceSettingRepository,
    private readonly endpoints: EndpointRepository,
    private readonly blocks: BlockListRepository,
    private readonly options: PresenceCoreOptions,
  ) {}

  /**
   * Locks the user's presence row (creating it if needed). Writers of a source call it before they
   * write, so that every transaction touching a user's presence takes the user's locks in one order.
   */
  lockUser(tx: Transaction, mailbox: string): Promise<StoredPresence> {
    return this.presences.lock(tx, mailbox);
  }

  /** Told each re-evaluation instant a republication planned (the poller wakes earlier if it must). */
  onPlanned(listener: (at: Date) => void): void {
    this.plannedListeners.push(listener);
  }

  /**
   * Re-aggregates the user at `now` and publishes a changed view, with the user's blocked watchers.
   * `blockListChanged`: the user's block list changed in this transaction; the view is then
   * published even if it did not change, always under the locked row's sequence + 1 (a block row
   * records that sequence as its `since` before this call), so every replica hands each watcher what
   * it may now see (Offline to the newly blocked, the real view to the unblocked).
   */
  async republish(
    tx: Transaction,
    mailbox: string,
    now: Date,
    opts: { blockListChanged?: boolean; locked?: StoredPresence } = {},
  ): Promise<Republication> {
    // `locked`: the row `lockUser` returned earlier in `tx` (the lock holds, so it is still current): one lock, not two.
    const current = opts.locked ?? (await this.presences.lock(tx, mailbox));
    const sources = await this.loadSources(tx, mailbox, now);
    const at = now.getTime();
    const view = aggregatePresence(sources, at, this.options.policy);
    // A row from before the engine has a sequence but no view: any view is then a change.
    const publication = opts.blockListChanged
      ? { sequence: current.sequence + 1, view }
      : nextPublication({ sequence: current.sequence, view: current.published }, view);
    const next = nextReevaluationAt(sources, at, this.options.policy);
    const reevaluateAt = next === null ? null : new Date(next);
    await this.presences.save(tx, {
      mailbox,
      sequence: publication?.sequence ?? current.sequence,
      published: publication ? view : current.published,
      reevaluateAt,
    });
    if (publication) {
      // `view` is checked against the bus schema's type here, and PresenceFanout hands the parsed one
      // back to the engine: the two types cannot drift apart without a compile error.
      const payload: PresenceChanged = {
        mailbox,
        sequence: publication.sequence,
        availability: view.availability,
        activity: view.activity,
        note: view.note?.text ?? null,
        oof: view.oof,
        view,
        blockedWatchers: await this.blocks.blockedIn(tx, mailbox),
      };
      await tx.publish(Topics.presenceChanged, mailbox, payload);
    }
    if (reevaluateAt) for (const listener of this.plannedListeners) listener(reevaluateAt);
    return { published: publication !== null, sequence: publication?.sequence ?? current.sequence, view, reevaluateAt };
  }

  private async loadSources(tx: Transaction, mailbox: string, now: Date): Promise<PresenceSources> {
    const setting = await this.settings.findIn(tx, mailbox);
    const announced = await this.sources.find(tx, mailbox);
    const endpoints = await this.endpoints.liveOf(tx, mailbox, now);
    return {
      endpoints: endpoints.map((e) => ({ endpointId: e.endpointId, label: e.label, lastActivityAt: e.lastActivityAt.getTime() })),
      calendar:
        announced.calendar.state === 'free'
          ? null
          : { status: announced.calendar.state, until: announced.calendar.until?.getTime() ?? null },
      oof: announced.oof.active ? { active: true, message: announced.oof.message } : null,
      // No PBX integration feeds calls yet.
      phone: null,
      userState: userStateOf(setting),
      personalNote: setting?.personalNote ?? null,
      // voicemail-ingest's counts as last announced (none announced: zero, which the owner's lamp shows as off).
      messageWaiting: { ...announced.messageWaiting },
    };
  }
}

function userStateOf(setting: StoredPresenceSetting | null): UserStateSource | null {
  const state = setting?.userState ?? null;
  if (state === null || !(userStates as readonly string[]).includes(state)) return null;
  return { state: state as UserStateName, expiresAt: setting?.userStateExpiresAt?.getTime() ?? null };
}
