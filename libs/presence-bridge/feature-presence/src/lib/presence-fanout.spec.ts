import type { PresenceChanged } from '@parley/contracts';
import {
  aggregatePresence,
  defaultPresencePolicy,
  noSources,
  offlineView,
  type UserStateName,
} from '@parley/presence-bridge/presence-engine';
import { PresenceFanout } from './presence-fanout';
import type { WatchedPresence } from './presence-ports';

const ANNA = 'anna@example.com';
const BOB = 'bob@example.com';
const CARL = 'carl@example.com';
const EVE = 'eve@example.com';
const NOW = Date.parse('2026-12-01T10:00:00Z');

/** Anna's presence event under `sequence`, with her state set by hand (null: none, so Offline) and her block list. */
function change(sequence: number, state: UserStateName | null, blockedWatchers: PresenceChanged['blockedWatchers'] = []): PresenceChanged {
  const view = aggregatePresence({ ...noSources, userState: state && { state, expiresAt: null } }, NOW, defaultPresencePolicy);
  return {
    mailbox: ANNA,
    sequence,
    availability: view.availability,
    activity: view.activity,
    note: view.note?.text ?? null,
    oof: view.oof,
    view,
    blockedWatchers,
  };
}

describe('PresenceFanout', () => {
  let fanout: PresenceFanout;
  /** Watches Anna as `watcher`; returns what that subscription is handed. */
  const watch = (watcher: string): WatchedPresence[] => {
    const updates: WatchedPresence[] = [];
    fanout.watch(watcher, ANNA, (u) => void updates.push(u));
    return updates;
  };
  const seen = (updates: WatchedPresence[]) => updates.map((u) => [u.sequence, u.view.token]);

  beforeEach(() => {
    fanout = new PresenceFanout();
  });

  it('hands every change to each watcher, as its relation to the user allows', () => {
    const bob = watch(BOB);
    const anna = watch(ANNA);
    fanout.deliver(change(1, 'busy'));
    fanout.deliver(change(2, 'away'));
    expect(seen(bob)).toEqual([
      [1, 'busy'],
      [2, 'away'],
    ]);
    expect(bob[0].view).not.toHaveProperty('driver');
    expect(anna[1].view).toMatchObject({ driver: 'user-state', endpoints: [] });
  });

  it('hands a blocked watcher the publication of the block as Offline, and none of the changes after it', () => {
    const carl = watch(CARL);
    const bob = watch(BOB);
    fanout.deliver(change(1, 'busy'));
    fanout.deliver(change(2, 'busy', [{ watcher: CARL, since: 2 }]));
    fanout.deliver(change(3, 'available', [{ watcher: CARL, since: 2 }]));
    fanout.deliver(change(4, 'do-not-disturb', [{ watcher: CARL, since: 2 }]));
    fanout.deliver(change(5, null, [{ watcher: CARL, since: 2 }]));
    expect(carl).toEqual([
      { mailbox: ANNA, sequence: 1, view: expect.objectContaining({ token: 'busy' }) },
      { mailbox: ANNA, sequence: 2, view: offlineView() },
    ]);
    expect(seen(bob)).toEqual([
      [1, 'busy'],
      [2, 'busy'],
      [3, 'available'],
      [4, 'do-not-disturb'],
      [5, 'offline'],
    ]);
  });

  it('hands a watcher who subscribed after the block nothing while the block lasts (the snapshot told it Offline)', () => {
    const carl = watch(CARL);
    fanout.deliver(change(7, 'busy', [{ watcher: CARL, since: 4 }]));
    fanout.deliver(change(8, 'away', [{ watcher: CARL, since: 4 }]));
    expect(carl).toEqual([]);
  });

  it('does not hand the block to a blocked watcher again when another watcher is blocked later', () => {
    const carl = watch(CARL);
    const eve = watch(EVE);
    fanout.deliver(change(2, 'busy', [{ watcher: CARL, since: 2 }]));
    fanout.deliver(
      change(3, 'busy', [
        { watcher: CARL, since: 2 },
        { watcher: EVE, since: 3 },
      ]),
    );
    fanout.deliver(
      change(4, 'away', [
        { watcher: CARL, since: 2 },
        { watcher: EVE, since: 3 },
      ]),
    );
    expect(seen(carl)).toEqual([[2, 'offline']]);
    expect(seen(eve)).toEqual([
      [2, 'busy'],
      [3, 'offline'],
    ]);
  });

  it('a block and an unblock in quick succession: Offline once, then the real view under the later sequence', () => {
    const carl = watch(CARL);
    fanout.deliver(change(2, 'busy', [{ watcher: CARL, since: 2 }]));
    fanout.deliver(change(3, 'busy'));
    fanout.deliver(change(4, 'away'));
    expect(seen(carl)).toEqual([
      [2, 'offline'],
      [3, 'busy'],
      [4, 'away'],
    ]);
  });

  it('a blocked, unblocked and blocked again watcher gets Offline at the second block only', () => {
    const carl = watch(CARL);
    fanout.deliver(change(2, 'busy', [{ watcher: CARL, since: 2 }]));
    fanout.deliver(change(3, 'busy'));
    fanout.deliver(change(4, 'away', [{ watcher: CARL, since: 4 }]));
    fanout.deliver(change(5, 'available', [{ watcher: CARL, since: 4 }]));
    expect(seen(carl)).toEqual([
      [2, 'offline'],
      [3, 'busy'],
      [4, 'offline'],
    ]);
  });

  it('hands a redelivered block publication over once', () => {
    const carl = watch(CARL);
    const block = change(2, 'busy', [{ watcher: CARL, since: 2 }]);
    fanout.deliver(block);
    fanout.deliver(block);
    fanout.deliver(change(1, 'available'));
    expect(seen(carl)).toEqual([[2, 'offline']]);
  });

  it('a blocked watcher watching from two subscriptions gets the block on each, once', () => {
    const first = watch(CARL);
    const second = watch(CARL);
    fanout.deliver(change(2, 'busy', [{ watcher: CARL, since: 2 }]));
    fanout.deliver(change(3, 'away', [{ watcher: CARL, since: 2 }]));
    expect([seen(first), seen(second)]).toEqual([[[2, 'offline']], [[2, 'offline']]]);
  });
});
