import type { WatcherView } from '@parley/presence-bridge/presence-engine';

/**
 * What presence-bridge's fronts (JSON WebSocket, Graph-shaped REST, later SIP) use of its core.
 * The core implements these across replicas; a front never reads the tables or the topics itself.
 * Addresses are lower-cased SMTP addresses of directory users. A refusal is a
 * `PresenceCoreException` (code `PresenceCoreErrorCode`) that each front maps to its own error form.
 * PresenceFeatureModule provides these globally.
 */

/** One user's presence as one watcher sees it, with the sequence it was published under (0: never published). */
export interface WatchedPresence {
  mailbox: string;
  sequence: number;
  view: WatcherView;
}

export abstract class PresenceReader {
  /**
   * The current presence of each target as `watcher` sees it: the user themself the whole view, a
   * watcher the target blocked Offline (indistinguishable from really offline), others the shared
   * view. Targets that are not directory users are left out of the map.
   */
  abstract snapshot(watcher: string, targets: readonly string[]): Promise<Map<string, WatchedPresence>>;
}

export type PresenceListener = (update: WatchedPresence) => void;

export abstract class PresenceWatchers {
  /**
   * Calls `listener` with every later change of `target`'s presence as `watcher` sees it, wherever
   * the change was made (any replica). Returns the function that stops it. Synchronous and cheap:
   * a front calls it once per subscription. Call it before `PresenceReader.snapshot` and keep
   * whichever of the two has the higher sequence, so that no change falls between them.
   */
  abstract watch(watcher: string, target: string, listener: PresenceListener): () => void;
}

/** A connected client of a user, a source of the presence engine while it is open. */
export interface EndpointHandle {
  readonly endpointId: string;
  /** The client's last keyboard/mouse/touch activity (a client reporting "idle since T" passes T). */
  reportActivity(lastActivityAt: Date): void;
  /** Disconnected: the endpoint stops contributing (idempotent). */
  close(): Promise<void>;
}

export abstract class PresenceEndpoints {
  /**
   * Registers a connected client; its connect time counts as activity. Refused with
   * `TooManyEndpoints` past the per-user limit.
   */
  abstract connect(mailbox: string, client: { label: string }): Promise<EndpointHandle>;
}

export interface InstantMessage {
  /** Server-assigned, unique. */
  messageId: string;
  from: string;
  to: string;
  text: string;
  sentAt: string;
}

/**
 * `recipient-offline` also when the recipient blocked the sender (a block is not detectable);
 * `timeout` when the recipient's replica did not confirm in time.
 */
export type ImOutcome = { status: 'delivered' } | { status: 'failed'; reason: 'recipient-offline' | 'timeout' };

/** What an attached endpoint receives from others. */
export interface ImReceiver {
  message(im: InstantMessage): void;
  typing(from: string, typing: boolean): void;
}

export abstract class InstantMessaging {
  /** Attaches an endpoint of `mailbox` so IMs and typing notices to it arrive here; returns the detach function. */
  abstract attach(mailbox: string, endpointId: string, receiver: ImReceiver): () => void;
  /**
   * Delivers to every attached endpoint of the recipient, on whichever replica; `delivered` once one
   * took it. Refused with `InvalidMessage` (empty or too long) or `Busy` (too many sends waiting).
   */
  abstract send(from: string, to: string, text: string): Promise<ImOutcome>;
  /** Best effort, no acknowledgement. */
  abstract typing(from: string, to: string, typing: boolean): void;
}
