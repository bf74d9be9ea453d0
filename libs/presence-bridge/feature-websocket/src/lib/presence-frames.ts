import type { WatchedPresence } from '@parley/presence-bridge/feature-presence';
import type { ServerMessageOf } from '@parley/presence-bridge/protocol';

interface CachedFrame {
  mailbox: string;
  sequence: number;
  frame: Buffer;
}

/**
 * Serializes each presence change once per distinct view, not once per socket: the core hands every
 * watcher who sees the same thing the same view object, so a thousand watchers of one user cost one
 * `JSON.stringify` and one buffer. Keyed weakly by the view object, so nothing outlives the change.
 */
export class PresenceFrames {
  private readonly byView = new WeakMap<object, CachedFrame>();

  presence(update: WatchedPresence): Buffer {
    const cached = this.byView.get(update.view);
    if (cached !== undefined && cached.sequence === update.sequence && cached.mailbox === update.mailbox) return cached.frame;
    const message: ServerMessageOf<'presence'> = {
      type: 'presence',
      mailbox: update.mailbox,
      sequence: update.sequence,
      presence: update.view,
    };
    const frame = Buffer.from(JSON.stringify(message));
    this.byView.set(update.view, { mailbox: update.mailbox, sequence: update.sequence, frame });
    return frame;
  }
}
