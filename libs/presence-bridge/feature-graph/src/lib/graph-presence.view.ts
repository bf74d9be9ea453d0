import type { WatchedPresence } from '@parley/presence-bridge/feature-presence';
import { toGraphPresence } from '@parley/presence-bridge/presence-engine';
import type { GraphPresence } from '@parley/graph';

/** Digits of a sequence number: the per-user sequence, zero-padded so that it sorts as text as it does as a number. */
const SEQUENCE_DIGITS = 20;

/**
 * One user's presence as the caller sees it (blocked callers see Offline: the reader decides), in
 * Graph's shape. `id` is the directory's object id. The personal note is `statusMessage`; while OOF
 * shows its reply the engine's note is the OOF message, which Graph carries in `outOfOfficeSettings`.
 */
export function toGraphPresenceResource(objectId: string, watched: WatchedPresence): GraphPresence {
  const { view } = watched;
  const { availability, activity } = toGraphPresence(view.availability, view.activity);
  const note = view.note;
  return {
    id: objectId,
    availability,
    activity,
    statusMessage: note?.kind === 'personal' ? { message: { content: note.text, contentType: 'text' } } : null,
    outOfOfficeSettings: { message: note?.kind === 'oof' ? note.text : null, isOutOfOffice: view.oof },
    sequenceNumber: watched.sequence > 0 ? String(watched.sequence).padStart(SEQUENCE_DIGITS, '0') : null,
  };
}
