// The presence update the bare `ws` baseline broadcasts: until a run of Parley in the same
// invocation says how large its updates really are, one built from the presence engine's view of
// an ordinary user (an active client, a personal note) as another user would watch it, so the
// baseline sends what a presence front would, byte for byte in size.
import { aggregatePresence, defaultPresencePolicy, noSources, viewFor } from '@parley/presence-bridge/presence-engine';

const OWNER = 'bench-user-00000@parley.test';

/** A representative update for change `sequence`: what a watcher's socket would receive. */
export function representativeUpdate(sequence: number, now = Date.UTC(2031, 0, 6, 9, 30)): string {
  const view = aggregatePresence(
    {
      ...noSources,
      endpoints: [{ endpointId: 'ep-1', label: 'Parley web', lastActivityAt: now - 60_000 }],
      userState: { state: sequence % 2 ? 'busy' : 'available', expiresAt: null },
      personalNote: 'Working from the Lisbon office this week',
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
 * The update of change `sequence` padded (with a `pad` field) to `bytes` UTF-8 bytes, so the
 * baseline can match the size a Parley run measured; never shorter than the update itself.
 */
export function updateOfSize(sequence: number, bytes: number | undefined): string {
  const update = representativeUpdate(sequence);
  const missing = (bytes ?? 0) - Buffer.byteLength(update) - ',"pad":""'.length;
  return missing > 0 ? `${update.slice(0, -1)},"pad":"${' '.repeat(missing)}"}` : update;
}

/** The change number of a baseline update, from its JSON. */
export function sequenceOfUpdate(text: string): number | undefined {
  const parsed = JSON.parse(text) as { type?: string; sequence?: unknown };
  return parsed.type === 'presence' && typeof parsed.sequence === 'number' ? parsed.sequence : undefined;
}
