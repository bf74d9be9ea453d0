import { TokenBucket } from '@parley/sign-in';
import type { Logger } from '@nestjs/common';
import {
  type EndpointHandle,
  type ImReceiver,
  type InstantMessage,
  InstantMessaging,
  PresenceEndpoints,
  PresenceCoreErrorCode,
  PresenceCoreException,
  PresenceCoreLimits,
  PresenceReader,
  PresenceSettingsException,
  type PresenceSettings,
  PresenceSettingsService,
  PresenceWatchers,
  type WatchedPresence,
} from '@parley/presence-bridge/feature-presence';
import type { WatcherView } from '@parley/presence-bridge/presence-engine';
import {
  type ClientMessage,
  type ClientMessageOf,
  clientMessageSchemas,
  type CloseCode,
  CloseCodes,
  CloseReasons,
  type ConnectionLimits,
  type ErrorCode,
  ErrorCodes,
  isClientMessageType,
  type PresenceEntry,
  PROTOCOL_VERSION,
  type RequestId,
  requestIdSchema,
  type ServerMessage,
} from '@parley/presence-bridge/protocol';
import { performance } from 'node:perf_hooks';
import type { RawData, WebSocket } from 'ws';
import type { z } from 'zod';
import type { PresenceFrames } from './presence-frames';
import type { PresenceSocketOptions } from './presence-socket.options';
import { coreErrorCodes, settingsErrorCodes } from './settings-error.mapper';

/** What every session of one server shares (one object, not one per socket). */
export interface PresenceSessionHost {
  readonly reader: PresenceReader;
  readonly watchers: PresenceWatchers;
  readonly endpoints: PresenceEndpoints;
  readonly ims: InstantMessaging;
  readonly settings: PresenceSettingsService;
  readonly options: PresenceSocketOptions;
  readonly limits: ConnectionLimits;
  readonly frames: PresenceFrames;
  readonly logger: Logger;
  /** The session ended: forget it (called once). */
  release(session: PresenceSocketSession): void;
  /** Work that must finish before the process stops (closing an endpoint in the core). */
  track(work: Promise<unknown>): void;
  /** The server closed a socket with `code` (1006: dropped without a handshake). */
  closedBy(code: number): void;
}

const TEXT = { binary: false } as const;

/** One watched user on one socket: the last sequence sent, and changes held back while its snapshot is read. */
class Subscription {
  sequence = 0;
  snapshotting = true;
  held: WatchedPresence | null = null;
  stop: () => void = noop;

  constructor(
    private readonly session: PresenceSocketSession,
    readonly target: string,
  ) {}

  readonly listener = (update: WatchedPresence): void => this.session.deliver(this, update);
}

/**
 * One presence WebSocket of a signed-in user: an endpoint of the user while it is open, attached
 * for IM, watching the user themself and whatever it subscribes to. Requests are handled one after
 * another in the order they arrived (replies and effects keep the client's order); pings and typing
 * notices go ahead. Everything it holds is released exactly once, however the socket ends.
 */
export class PresenceSocketSession implements ImReceiver {
  /** Set on every message and pong, cleared by each keepalive ping: still false at the next one means dead. */
  alive = true;
  private disposed = false;
  private endpoint: EndpointHandle | null = null;
  private detachIm: (() => void) | null = null;
  /** Keyed by target; the user themself is always in it and not counted against the limit. */
  private readonly subscriptions = new Map<string, Subscription>();
  private lastMessageWaiting: string | null = null;
  private readonly bucket: TokenBucket;
  /** Messages refused in a row by the rate limit (the first gets `rate-limited`; `burst` more close the socket). */
  private refusedInARow = 0;
  private queue: Promise<void> = Promise.resolve();
  private queued = 0;

  constructor(
    readonly ws: WebSocket,
    readonly mailbox: string,
    private readonly label: string,
    private readonly host: PresenceSessionHost,
  ) {
    this.bucket = new TokenBucket(host.options.messagesPerSecond, host.options.messageBurst, performance.now());
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Registers the endpoint, says hello, attaches for IM and sends the user's own presence; reading waits until then. */
  async start(): Promise<void> {
    this.ws.pause();
    try {
      const endpoint = await this.host.endpoints.connect(this.mailbox, { label: this.label });
      if (this.disposed) {
        this.closeEndpoint(endpoint);
        return;
      }
      this.endpoint = endpoint;
      this.send(
        JSON.stringify({
          type: 'hello',
          protocolVersion: PROTOCOL_VERSION,
          serverVersion: this.host.options.serverVersion,
          mailbox: this.mailbox,
          endpointId: endpoint.endpointId,
          limits: this.host.limits,
        } satisfies ServerMessage),
      );
      this.detachIm = this.host.ims.attach(this.mailbox, endpoint.endpointId, this);
      const self = new Subscription(this, this.mailbox);
      this.subscriptions.set(this.mailbox, self);
      self.stop = this.host.watchers.watch(this.mailbox, this.mailbox, self.listener);
      const snapshot = await this.readSnapshot([this.mailbox]);
      if (this.disposed) return;
      const own = snapshot.get(this.mailbox);
      this.send(JSON.stringify({ type: 'snapshot', presences: own ? [entryOf(own)] : [], unknown: [] } satisfies ServerMessage));
      this.settle(self, own);
      this.ws.resume();
    } catch (error) {
      if (error instanceof PresenceCoreException && error.code === PresenceCoreErrorCode.TooManyEndpoints) {
        // The core's limit over all replicas (PARLEY_PRESENCE_MAX_ENDPOINTS_PER_USER): the same answer as this replica's own.
        return this.close(CloseCodes.policyViolation, CloseReasons.tooManyConnections);
      }
      this.host.logger.error(`presence socket of ${this.mailbox}: session setup failed: ${describe(error)}`);
      this.close(CloseCodes.internalError, CloseReasons.setupFailed);
    }
  }

  onMessage(data: RawData, isBinary: boolean): void {
    if (this.disposed) return;
    this.alive = true;
    if (isBinary) return this.close(CloseCodes.unsupportedData, CloseReasons.binaryFrame);
    if (!this.admit()) return;
    let message: unknown;
    try {
      message = JSON.parse(textOf(data));
    } catch {
      return this.close(CloseCodes.malformed, CloseReasons.malformedJson);
    }
    if (typeof message !== 'object' || message === null || Array.isArray(message)) {
      return this.close(CloseCodes.malformed, CloseReasons.notAnObject);
    }
    const { type, id } = message as { type?: unknown; id?: unknown };
    const echo = requestIdSchema.safeParse(id);
    const replyTo = echo.success ? echo.data : undefined;
    if (!isClientMessageType(type)) {
      return this.sendError(replyTo, ErrorCodes.unknownType, `unknown message type ${JSON.stringify(type ?? null).slice(0, 80)}`);
    }
    const parsed = clientMessageSchemas[type].safeParse(message);
    if (!parsed.success) return this.sendError(replyTo, ErrorCodes.invalidMessage, issuesOf(parsed.error));
    this.dispatch(parsed.data as ClientMessage);
  }

  onPong(): void {
    this.alive = true;
  }

  /** A change of a watched user: sent when newer than what this socket has, held while its snapshot is read. */
  deliver(subscription: Subscription, update: WatchedPresence): void {
    if (this.disposed || update.sequence <= subscription.sequence) return;
    if (subscription.snapshotting) {
      if (subscription.held === null || update.sequence > subscription.held.sequence) subscription.held = update;
      return;
    }
    subscription.sequence = update.sequence;
    this.sendFrame(this.host.frames.presence(update));
    if (subscription.target === this.mailbox) this.messageWaiting(update.view);
  }

  message(im: InstantMessage): void {
    this.send(
      JSON.stringify({ type: 'im', messageId: im.messageId, from: im.from, text: im.text, sentAt: im.sentAt } satisfies ServerMessage),
    );
  }

  typing(from: string, typing: boolean): void {
    this.send(JSON.stringify({ type: 'typing', from, typing } satisfies ServerMessage));
  }

  /** Closes with a protocol close code; everything the session holds is released at once. */
  close(code: CloseCode, reason: string): void {
    if (this.disposed) return;
    this.dispose();
    this.host.closedBy(code);
    // Reading is paused during setup; the peer's answer to the close frame must be read to finish the handshake.
    this.ws.resume();
    this.ws.close(code, reason);
  }

  /** Drops the connection without a close handshake (dead peer). */
  terminate(): void {
    if (!this.disposed) this.host.closedBy(1006);
    this.dispose();
    this.ws.terminate();
  }

  /** Stops every watch, detaches IM, closes the endpoint: idempotent, and the only way anything is released. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const subscription of this.subscriptions.values()) subscription.stop();
    this.subscriptions.clear();
    this.detachIm?.();
    this.detachIm = null;
    if (this.endpoint !== null) this.closeEndpoint(this.endpoint);
    this.endpoint = null;
    this.host.release(this);
  }

  private closeEndpoint(endpoint: EndpointHandle): void {
    this.host.track(
      endpoint
        .close()
        .catch((error: unknown) => this.host.logger.warn(`presence endpoint of ${this.mailbox} did not close: ${describe(error)}`)),
    );
  }

  private admit(): boolean {
    const now = performance.now();
    if (this.bucket.take(now)) {
      this.refusedInARow = 0;
      return true;
    }
    this.refusedInARow += 1;
    if (this.refusedInARow === 1) {
      this.send(
        JSON.stringify({
          type: 'error',
          code: ErrorCodes.rateLimited,
          message: `more than ${this.host.options.messagesPerSecond} messages per second: this one was dropped`,
          retryAfterMs: this.bucket.waitMs(now),
        } satisfies ServerMessage),
      );
    } else if (this.refusedInARow > this.host.options.messageBurst) {
      this.close(CloseCodes.policyViolation, CloseReasons.rateLimit);
    }
    return false;
  }

  private dispatch(message: ClientMessage): void {
    switch (message.type) {
      case 'ping':
        return this.send(JSON.stringify({ type: 'pong', id: message.id } satisfies ServerMessage));
      case 'typing':
        return this.host.ims.typing(this.mailbox, message.to, message.typing);
      default:
        return this.enqueue(message);
    }
  }

  /** In arrival order; at most `messageBurst` waiting (a client cannot pile up work faster than the core does it). */
  private enqueue(message: Exclude<ClientMessage, { type: 'ping' | 'typing' }>): void {
    if (this.queued >= this.host.options.messageBurst) {
      return this.sendError(message.id, ErrorCodes.rateLimited, 'too many requests in progress: this one was dropped');
    }
    this.queued += 1;
    this.queue = this.queue
      .then(() => (this.disposed ? undefined : this.handle(message)))
      .catch((error: unknown) => this.refuse(message.id, error))
      .finally(() => {
        this.queued -= 1;
      });
  }

  private async handle(message: Exclude<ClientMessage, { type: 'ping' | 'typing' }>): Promise<void> {
    const { mailbox, host } = this;
    switch (message.type) {
      case 'subscribe':
        return this.subscribe(message);
      case 'unsubscribe':
        for (const target of message.targets) {
          const subscription = this.subscriptions.get(target);
          if (subscription === undefined || target === mailbox) continue;
          subscription.stop();
          this.subscriptions.delete(target);
        }
        return this.ok(message.id);
      case 'set-state':
        return this.settingsReply(
          message.id,
          await host.settings.setUserState(mailbox, message.state, message.expiresAt ? new Date(message.expiresAt) : null),
        );
      case 'reset-state':
        return this.settingsReply(message.id, await host.settings.resetUserState(mailbox));
      case 'set-note':
        return this.settingsReply(message.id, await host.settings.setPersonalNote(mailbox, message.note));
      case 'activity': {
        const now = Date.now();
        const at = message.lastActivityAt === undefined ? now : Math.min(Date.parse(message.lastActivityAt), now);
        this.endpoint?.reportActivity(new Date(at));
        return this.ok(message.id);
      }
      case 'get-contacts': {
        const list = await host.settings.contactList(mailbox);
        return this.reply({ type: 'contacts', id: message.id, groups: list.groups, ungrouped: list.ungrouped });
      }
      case 'add-group': {
        const group = await host.settings.addGroup(mailbox, message.name);
        return this.reply({ type: 'group', id: message.id, group: { id: group.id, name: group.name } });
      }
      case 'rename-group': {
        const group = await host.settings.renameGroup(mailbox, message.groupId, message.name);
        return this.reply({ type: 'group', id: message.id, group: { id: group.id, name: group.name } });
      }
      case 'remove-group':
        await host.settings.removeGroup(mailbox, message.groupId);
        return this.ok(message.id);
      case 'add-contact':
        await host.settings.addContact(mailbox, message.contact, message.groupId ?? null);
        return this.ok(message.id);
      case 'move-contact':
        await host.settings.moveContact(mailbox, message.contact, message.groupId);
        return this.ok(message.id);
      case 'remove-contact':
        await host.settings.removeContact(mailbox, message.contact);
        return this.ok(message.id);
      case 'get-blocks':
        return this.reply({ type: 'blocks', id: message.id, blocked: await host.settings.blocked(mailbox) });
      case 'block':
        await host.settings.block(mailbox, message.watcher);
        return this.ok(message.id);
      case 'unblock':
        await host.settings.unblock(mailbox, message.watcher);
        return this.ok(message.id);
      case 'send-im': {
        const outcome = await host.ims.send(mailbox, message.to, message.text);
        return this.reply(
          outcome.status === 'delivered'
            ? { type: 'im-delivered', id: message.id, clientMessageId: message.clientMessageId }
            : { type: 'im-failed', id: message.id, clientMessageId: message.clientMessageId, reason: outcome.reason },
        );
      }
      default:
        return assertNever(message);
    }
  }

  /**
   * Watches the new targets first and reads the snapshot after, so no change falls between the two:
   * one that arrives meanwhile is held and sent after the snapshot if it is newer.
   */
  private async subscribe(message: ClientMessageOf<'subscribe'>): Promise<void> {
    const targets = [...new Set(message.targets)];
    const added = targets.filter((target) => !this.subscriptions.has(target));
    const counted = this.subscriptions.size - 1 + added.length;
    if (counted > this.host.options.maxSubscriptions) {
      return this.sendError(
        message.id,
        ErrorCodes.tooManySubscriptions,
        `at most ${this.host.options.maxSubscriptions} subscriptions per connection (${this.subscriptions.size - 1} held)`,
      );
    }
    const fresh: Subscription[] = [];
    for (const target of added) {
      const subscription = new Subscription(this, target);
      this.subscriptions.set(target, subscription);
      subscription.stop = this.host.watchers.watch(this.mailbox, target, subscription.listener);
      fresh.push(subscription);
    }
    let snapshot: Map<string, WatchedPresence>;
    try {
      snapshot = await this.readSnapshot(targets);
    } catch (error) {
      for (const subscription of fresh) this.unwatch(subscription);
      throw error;
    }
    if (this.disposed) return;
    const presences: WatchedPresence[] = [];
    const unknown: string[] = [];
    for (const target of targets) {
      const entry = snapshot.get(target);
      if (entry === undefined) {
        unknown.push(target);
        const subscription = this.subscriptions.get(target);
        if (subscription !== undefined && target !== this.mailbox) this.unwatch(subscription);
      } else {
        presences.push(entry);
      }
    }
    this.reply({ type: 'snapshot', id: message.id, presences: presences.map(entryOf), unknown });
    for (const entry of presences) {
      const subscription = this.subscriptions.get(entry.mailbox);
      if (subscription !== undefined) this.settle(subscription, entry);
    }
  }

  /** In chunks the core reads at once (a request may hold more targets than that). */
  private async readSnapshot(targets: readonly string[]): Promise<Map<string, WatchedPresence>> {
    const chunk = PresenceCoreLimits.snapshotTargets;
    if (targets.length <= chunk) return this.host.reader.snapshot(this.mailbox, targets);
    const merged = new Map<string, WatchedPresence>();
    for (let start = 0; start < targets.length; start += chunk) {
      for (const [target, entry] of await this.host.reader.snapshot(this.mailbox, targets.slice(start, start + chunk)))
        merged.set(target, entry);
    }
    return merged;
  }

  /** The snapshot (if any) was sent: release whatever newer change was held meanwhile. */
  private settle(subscription: Subscription, entry: WatchedPresence | undefined): void {
    if (entry !== undefined && entry.sequence > subscription.sequence) subscription.sequence = entry.sequence;
    const wasSnapshotting = subscription.snapshotting;
    subscription.snapshotting = false;
    const held = subscription.held;
    subscription.held = null;
    if (wasSnapshotting && subscription.target === this.mailbox && entry !== undefined) this.messageWaiting(entry.view);
    if (held !== null) this.deliver(subscription, held);
  }

  private unwatch(subscription: Subscription): void {
    subscription.stop();
    if (this.subscriptions.get(subscription.target) === subscription) this.subscriptions.delete(subscription.target);
  }

  /** `message-waiting` when the user's own counts differ from the last sent (RFC 3842 sends on change). */
  private messageWaiting(view: WatcherView): void {
    const counts = view.messageWaiting;
    if (counts === undefined) return;
    const key = `${counts.newMessages}/${counts.oldMessages}`;
    if (key === this.lastMessageWaiting) return;
    this.lastMessageWaiting = key;
    this.send(
      JSON.stringify({ type: 'message-waiting', newMessages: counts.newMessages, oldMessages: counts.oldMessages } satisfies ServerMessage),
    );
  }

  private refuse(id: RequestId | undefined, error: unknown): void {
    if (this.disposed) return;
    if (error instanceof PresenceSettingsException) return this.sendError(id, settingsErrorCodes[error.code], error.message);
    if (error instanceof PresenceCoreException) return this.sendError(id, coreErrorCodes[error.code], error.message);
    this.host.logger.error(`presence socket of ${this.mailbox}: request failed: ${describe(error)}`);
    this.sendError(id, ErrorCodes.internalError, 'the request failed on the server; it may be retried');
  }

  private settingsReply(id: RequestId | undefined, settings: PresenceSettings): void {
    const state = settings.userState;
    this.reply({
      type: 'settings',
      id,
      userState: state
        ? { state: state.state, expiresAt: state.expiresAt === null ? null : new Date(state.expiresAt).toISOString() }
        : null,
      note: settings.personalNote,
    });
  }

  private ok(id: RequestId | undefined): void {
    this.reply({ type: 'ok', id });
  }

  private sendError(id: RequestId | undefined, code: ErrorCode, message: string): void {
    this.reply({ type: 'error', id, code, message });
  }

  private reply(message: ServerMessage): void {
    this.send(JSON.stringify(message));
  }

  private send(text: string): void {
    if (this.disposed) return;
    this.ws.send(text);
    this.checkBuffer();
  }

  private sendFrame(frame: Buffer): void {
    if (this.disposed) return;
    this.ws.send(frame, TEXT);
    this.checkBuffer();
  }

  /** A client that does not read is closed rather than buffered without bound. */
  private checkBuffer(): void {
    if (this.ws.bufferedAmount > this.host.options.maxSendBufferBytes) this.close(CloseCodes.tryAgainLater, CloseReasons.slowReader);
  }
}

function entryOf(watched: WatchedPresence): PresenceEntry {
  return { mailbox: watched.mailbox, sequence: watched.sequence, presence: watched.view };
}

function noop(): void {
  // A subscription's watch is set right after it is created.
}

function textOf(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

/** Where the message failed validation, briefly (the schema is public; nothing else is echoed). */
function issuesOf(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(message)'}: ${issue.message}`)
    .join('; ');
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

function assertNever(value: never): never {
  throw new Error(`unhandled message ${JSON.stringify(value)}`);
}
