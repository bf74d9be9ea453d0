import type { ServerResponse } from 'node:http';
import type {
  JournaledEvent,
  MailboxEventFilter,
  MailboxEventJournal,
  NotificationSubscriptionEntity,
  NotificationSubscriptionRepository,
} from '@parley/ews-gateway/data-access';
import { NS, responseMessage, streamingSoapEnvelope, writeEwsXml, type EwsResponseCode } from '@parley/ews-gateway/soap';
import { el, type XmlNode } from '@parley/xml';
import { MAX_EVENTS_PER_NOTIFICATION, STREAMING_IDLE_LIFETIME_MS } from './notification-subscriptions.service';
import { type FolderIdentityOf, notificationElement } from './notification.writer';

export interface StreamingConnectionOptions {
  readonly heartbeatMs: number;
  /** The client's ConnectionTimeout: the connection ends (ConnectionStatus Closed) after it. */
  readonly lifetimeMs: number;
  /** Past this many bytes queued to a slow reader, the connection is dropped (the client reconnects and catches up). */
  readonly maxBufferedBytes: number;
}

export interface StreamingConnectionDeps {
  readonly journal: MailboxEventJournal;
  readonly subscriptions: NotificationSubscriptionRepository;
  readonly folderIdentity: FolderIdentityOf;
  readonly onError: (error: unknown) => void;
}

interface SubscriptionState {
  readonly subscription: NotificationSubscriptionEntity;
  /** The last journal sequence written for it (or, before any, its stored watermark). */
  lastSent: number;
  /** The last value stored, so a heartbeat stores only what moved. */
  stored: number;
}

/** Whether a subscription takes an event: its type, and its folders (the new or, for moves, the old parent). */
export function subscriptionTakes(subscription: MailboxEventFilter, event: JournaledEvent): boolean {
  if (!subscription.eventTypes.includes(event.eventType)) return false;
  const folders = subscription.folders;
  return folders === null || folders.includes(event.folder) || (event.oldFolder !== null && folders.includes(event.oldFolder));
}

/**
 * One GetStreamingEvents response: a chunked HTTP body of SOAP envelopes, each a
 * `GetStreamingEventsResponseMessage` with either notifications or a `ConnectionStatus` (OK as a
 * keep-alive, Closed at the end). Events that arrived while the subscription had no connection are
 * read from the journal first, then live ones follow in journal order, each once.
 */
export class StreamingConnection {
  private readonly states: SubscriptionState[];
  private readonly mailboxes: ReadonlySet<string>;
  private live: JournaledEvent[] = [];
  private catchingUp = true;
  /** Per watched mailbox: every journal entry up to this sequence has been read or offered. */
  private readonly known = new Map<string, number>();
  private flushScheduled = false;
  private lastWriteAt = Date.now();
  private heartbeat: NodeJS.Timeout | undefined;
  private lifetime: NodeJS.Timeout | undefined;
  private closed = false;
  private closeListeners: Array<() => void> = [];
  private res!: ServerResponse;

  constructor(
    subscriptions: readonly NotificationSubscriptionEntity[],
    private readonly options: StreamingConnectionOptions,
    private readonly deps: StreamingConnectionDeps,
  ) {
    this.states = subscriptions.map((subscription) => ({ subscription, lastSent: subscription.watermark, stored: subscription.watermark }));
    this.mailboxes = new Set(subscriptions.map((s) => s.mailbox));
  }

  get watchedMailboxes(): ReadonlySet<string> {
    return this.mailboxes;
  }

  /** The HTTP response this connection writes to (given once the request is authorised). */
  attach(res: ServerResponse): void {
    this.res = res;
  }

  onClose(listener: () => void): void {
    this.closeListeners.push(listener);
  }

  /** Writes the headers and the first message (`refused`: the ids that cannot stream), then catches up. */
  start(refused: readonly { id: string; code: Exclude<EwsResponseCode, 'NoError'>; message: string }[]): void {
    const res = this.res;
    res.statusCode = 200;
    res.setHeader('Content-Type', 'text/xml; charset=utf-8');
    res.setHeader('Cache-Control', 'private');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.on('close', () => this.close('gone'));
    if (refused.length > 0) {
      this.write(
        responseMessage('GetStreamingEventsResponseMessage', {
          responseCode: refused[0].code,
          messageText: refused[0].message,
          content: el(
            NS.MESSAGES,
            'ErrorSubscriptionIds',
            {},
            refused.map((r) => el(NS.MESSAGES, 'SubscriptionId', {}, r.id)),
          ),
        }),
      );
    }
    if (this.states.length === 0) return this.close('done');
    this.write(statusMessage('OK'));
    this.heartbeat = setInterval(() => this.beat(), Math.max(250, Math.floor(this.options.heartbeatMs / 2)));
    this.heartbeat.unref();
    this.lifetime = setTimeout(() => this.close('timeout'), this.options.lifetimeMs);
    this.lifetime.unref();
    // While connected the subscriptions must not expire: they do so 30 minutes after the connection ends.
    void this.store(Date.now() + this.options.lifetimeMs + STREAMING_IDLE_LIFETIME_MS);
    void this.catchUp().catch((error: unknown) => {
      this.deps.onError(error);
      this.close('failed');
    });
  }

  /** A journaled event of one of the watched mailboxes (the replica's feed calls this). */
  offer(event: JournaledEvent): void {
    if (this.closed) return;
    this.live.push(event);
    if (!this.catchingUp) this.scheduleFlush();
  }

  /** Ends the connection: `timeout` and `shutdown` say so to the client first. */
  close(reason: 'timeout' | 'shutdown' | 'gone' | 'done' | 'failed' | 'overflow'): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    clearTimeout(this.lifetime);
    if (reason === 'timeout' || reason === 'shutdown') this.write(statusMessage('Closed'), true);
    if (reason === 'overflow' || reason === 'failed') this.res.destroy();
    else if (!this.res.writableEnded) this.res.end();
    for (const listener of this.closeListeners) listener();
    void this.store(Date.now() + STREAMING_IDLE_LIFETIME_MS);
  }

  /**
   * Reads what each subscription has not been sent from the journal, then lets the live events
   * through. Afterwards the connection has every event of each watched mailbox up to `known`.
   */
  private async catchUp(): Promise<void> {
    this.catchingUp = true;
    const reached = new Map<string, number>();
    for (const state of this.states) {
      const mailbox = state.subscription.mailbox;
      // Bounded: a subscription that fell far behind gets its latest pages; the rest is its client's to resync.
      for (let page = 0; page < 20 && !this.closed; page++) {
        const read = await this.deps.journal.readAfter(mailbox, state.lastSent, state.subscription, MAX_EVENTS_PER_NOTIFICATION);
        if (read.events.length > 0) this.send([{ state, events: read.events }]);
        if (!read.truncated || page === 19) {
          // Every subscription of the mailbox has read at least this far: the least of their positions.
          reached.set(mailbox, Math.min(reached.get(mailbox) ?? Infinity, read.lastSeq));
          break;
        }
      }
    }
    for (const [mailbox, seq] of reached) this.known.set(mailbox, Math.max(this.known.get(mailbox) ?? 0, seq));
    this.catchingUp = false;
    if (this.live.length > 0) this.scheduleFlush();
  }

  private resync(): void {
    if (this.catchingUp || this.closed) return;
    void this.catchUp().catch((error: unknown) => {
      this.deps.onError(error);
      this.close('failed');
    });
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // One message per event-loop turn however many events arrived in it.
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  /**
   * Live events arrive by two paths (this replica's journal writer, and every replica's feed) and
   * may repeat or, across a partition move, come out of order. Per mailbox the journal's sequence
   * has no gaps, so an event at `known + 1` is the next one, an older one was already had, and a
   * gap means one is still on its way: the journal is read instead.
   */
  private flush(): void {
    if (this.closed || this.catchingUp || this.live.length === 0) return;
    const events = this.live.sort((a, b) => (a.mailbox === b.mailbox ? a.seq - b.seq : a.mailbox < b.mailbox ? -1 : 1));
    this.live = [];
    const next: JournaledEvent[] = [];
    let gap = false;
    for (const event of events) {
      const known = this.known.get(event.mailbox) ?? 0;
      if (event.seq <= known) continue;
      if (event.seq > known + 1) {
        gap = true;
        continue;
      }
      this.known.set(event.mailbox, event.seq);
      next.push(event);
    }
    const batches: { state: SubscriptionState; events: JournaledEvent[] }[] = [];
    for (const state of this.states) {
      const taken = next.filter(
        (e) => e.mailbox === state.subscription.mailbox && e.seq > state.lastSent && subscriptionTakes(state.subscription, e),
      );
      if (taken.length > 0) batches.push({ state, events: taken });
    }
    if (batches.length > 0) this.send(batches);
    if (gap) this.resync();
  }

  private send(batches: { state: SubscriptionState; events: JournaledEvent[] }[]): void {
    const notifications = batches.map(({ state, events }) => {
      state.lastSent = events[events.length - 1].seq;
      return notificationElement({ subscriptionId: state.subscription.id, events }, this.deps.folderIdentity);
    });
    this.write(responseMessage('GetStreamingEventsResponseMessage', { content: el(NS.MESSAGES, 'Notifications', {}, notifications) }));
  }

  private beat(): void {
    if (this.closed) return;
    if (Date.now() - this.lastWriteAt >= this.options.heartbeatMs) {
      this.write(statusMessage('OK'));
      void this.store(Date.now() + this.options.lifetimeMs + STREAMING_IDLE_LIFETIME_MS);
    }
  }

  private write(message: XmlNode, final = false): void {
    if (this.res.writableEnded || this.res.destroyed) return;
    const envelope = streamingSoapEnvelope(
      el(NS.MESSAGES, 'GetStreamingEventsResponse', {}, el(NS.MESSAGES, 'ResponseMessages', {}, message)),
    );
    this.res.write(writeEwsXml(envelope, { declaration: false }));
    this.lastWriteAt = Date.now();
    if (!final && this.res.writableLength > this.options.maxBufferedBytes) this.close('overflow');
  }

  /** Stores how far each subscription got, so another connection (on any replica) resumes after it. */
  private async store(expiresAt: number): Promise<void> {
    for (const state of this.states) {
      const watermark = state.lastSent;
      try {
        await this.deps.subscriptions.advance(state.subscription.id, watermark, new Date(expiresAt));
        state.stored = watermark;
      } catch (error) {
        this.deps.onError(error);
      }
    }
  }
}

function statusMessage(status: 'OK' | 'Closed'): XmlNode {
  return responseMessage('GetStreamingEventsResponseMessage', { content: el(NS.MESSAGES, 'ConnectionStatus', {}, status) });
}
