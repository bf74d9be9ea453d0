// The presence update the bare `ws` baseline broadcasts: the presence protocol's `presence` event
// carrying the engine's view of the bench's changing user (one active client, a hand-set state) as
// a watcher sees it. When a Parley run of the same invocation measured its real update, the
// baseline is padded to that size.
import { aggregatePresence, defaultPresencePolicy, noSources, viewFor } from '@parley/presence-bridge/presence-engine';

const OWNER = 'bench-user-00000@parley.test';

/** A representative update for change `sequence`: what a watcher's socket would receive. */
export function representativeUpdate(sequence: number, now = Date.UTC(2031, 0, 6, 9, 30)): string {
  const view = aggregatePresence(
    {
      ...noSources,
      endpoints: [{ endpointId: 'ep-1', label: 'Parley web', lastActivityAt: now - 60_000 }],
      userState: { state: sequence % 2 ? 'busy' : 'available', expiresAt: null },
    },
    now,
    defaultPresencePolicy,
  );
  return JSON.stringify({
    type: 'presence',
    mailbox: OWNER,
    sequence,
    presence: viewFor({ mailbox: 'watcher@parley.test' }, OWNER, view, false),
  });
}

/**
 * Change `sequence`'s update at `bytes` UTF-8 bytes (as a Parley run measured them): the same
 * envelope, its view replaced by padding of the right length, so the baseline sends and the clients
 * parse as much as with Parley. Without `bytes`, the representative update.
 */
export function updateOfSize(sequence: number, bytes: number | undefined): string {
  if (bytes === undefined) return representativeUpdate(sequence);
  const bare = JSON.stringify({ type: 'presence', mailbox: OWNER, sequence, presence: {}, pad: '' });
  const missing = Math.max(0, bytes - Buffer.byteLength(bare));
  return JSON.stringify({ type: 'presence', mailbox: OWNER, sequence, presence: {}, pad: ' '.repeat(missing) });
}

/** The change number of a baseline update, from its JSON. */
export function sequenceOfUpdate(text: string): number | undefined {
  const parsed = JSON.parse(text) as { type?: string; sequence?: unknown };
  return parsed.type === 'presence' && typeof parsed.sequence === 'number' ? parsed.sequence : undefined;
}
