import type { WatchedPresence } from '@parley/presence-bridge/feature-presence';
import type { SipRequestInit, Uri } from '@parley/presence-bridge/sip';
import type { ClientTransactionOutcome } from './client-transaction.table';
import type { SipEventPackage } from './sip-event-packages';

/** The dialog a SUBSCRIBE created, as this front (the notifier, the dialog's UAS) sends in it (RFC 3261 §12.1.1). */
export interface SubscriptionDialog {
  readonly callId: string;
  /** Our tag: the To tag of the 200, the From tag of every NOTIFY. */
  readonly localTag: string;
  /** The subscriber's From tag. */
  readonly remoteTag: string;
  /** The SUBSCRIBE's To as written (without a tag): the NOTIFY's From, with ours added. */
  readonly localParty: string;
  /** The SUBSCRIBE's From as written (with its tag): the NOTIFY's To. */
  readonly remoteParty: string;
  /** The Record-Route values of the SUBSCRIBE, in order: the NOTIFY's Route set (empty for a client connected directly). */
  readonly routeSet: readonly string[];
  /** Our Contact, sent in the 200 and every NOTIFY. */
  readonly contact: string;
}

export type SubscriptionEnd =
  /** Expired, unsubscribed or fetched: the final NOTIFY went out. */
  | 'terminated'
  /** A NOTIFY was refused (481, 408 or any other error) or timed out: the subscriber is gone (RFC 6665 §4.2.2). */
  | 'notify-failed'
  /** Its connection closed, or the front shut down: nothing more can be sent. */
  | 'dropped';

export interface SubscriptionHost {
  /** Sends a request over the subscriber's connection (SipConnection.request). */
  send(init: SipRequestInit): Promise<ClientTransactionOutcome>;
  /** Milliseconds since the epoch. */
  now(): number;
  /** Runs `work` after a pause: a NOTIFY the connection had no room for is tried again then. */
  later(work: () => void): void;
  /** Called once, however the subscription ends. */
  ended(subscription: SipSubscription, how: SubscriptionEnd): void;
  /** The NOTIFY body of `presence` in `eventPackage` for `targetUri` (SipNotifyBodies: one rendering per distinct view). */
  body(eventPackage: SipEventPackage, targetUri: string, presence: WatchedPresence): string;
}

type Phase =
  /** Watching; the first NOTIFY waits for the snapshot. */
  | 'starting'
  | 'active'
  /** The final NOTIFY is due or in flight; the watch is stopped. */
  | 'terminating'
  | 'ended';

/**
 * One SUBSCRIBE dialog of a watcher for one presentity and package, and the pacing of its NOTIFYs: at most one NOTIFY is
 * in flight, and changes that arrive meanwhile only replace the view to send next, so a subscriber that answers slowly
 * gets the latest state after its answer instead of every step (memory per subscription is one view, whatever the rate
 * of changes). A NOTIFY whose body would equal the last one sent is skipped, except when the state must be re-sent (the
 * first NOTIFY, a refresh, the final one).
 */
export class SipSubscription {
  private phase: Phase = 'starting';
  /** The newest view known, and its sequence (the watch and the snapshot feed it, the higher sequence wins). */
  private latest: WatchedPresence | null = null;
  private inFlight = false;
  /** A NOTIFY is wanted once the one in flight is answered. */
  private due = false;
  /** The next NOTIFY goes out even if its body equals the last one. */
  private force = false;
  private lastBody: string | null = null;
  private cseq = 0;
  /** The NOTIFYs sent (tests, metrics). */
  sent = 0;
  private stopWatch: () => void = noop;

  constructor(
    readonly subscriber: string,
    /** The presentity's SMTP address (what the presence core knows them by). */
    readonly target: string,
    /** The presentity's SIP URI, which NOTIFY bodies name (the PIDF entity, the message-summary account). */
    readonly targetUri: string,
    readonly eventPackage: SipEventPackage,
    /** The Event header of the SUBSCRIBE, id parameter included: NOTIFYs repeat it (RFC 6665 §8.2.1). */
    readonly event: string,
    readonly dialog: SubscriptionDialog,
    /** Where NOTIFYs go (the subscriber's Contact; a refresh may move it, RFC 6665 §4.1.2.2). */
    public remoteTarget: Uri,
    /** The subscriber's last CSeq in this dialog (an older one is out of order, RFC 3261 §12.2.2). */
    public remoteCseq: number,
    /** When the subscription ends unless refreshed (ms since the epoch); 0 for a fetch. */
    public expiresAt: number,
    private readonly host: SubscriptionHost,
  ) {}

  get isEnded(): boolean {
    return this.phase === 'ended';
  }

  /** Whether the subscription still takes refreshes (not yet terminating). */
  get isLive(): boolean {
    return this.phase === 'starting' || this.phase === 'active';
  }

  /** The watch's stop function, called when the subscription stops watching. */
  watching(stop: () => void): void {
    if (this.isLive) this.stopWatch = stop;
    else stop();
  }

  /** A change from the watch: kept when newer; sent once the first NOTIFY is out. */
  readonly update = (update: WatchedPresence): void => {
    if (!this.isLive || (this.latest !== null && update.sequence <= this.latest.sequence)) return;
    this.latest = update;
    if (this.phase === 'active') this.schedule(false);
  };

  /** The snapshot read after the watch started: the first NOTIFY goes out with whichever of the two is newer. */
  start(snapshot: WatchedPresence): void {
    if (this.phase === 'ended') return;
    if (this.latest === null || snapshot.sequence > this.latest.sequence) this.latest = snapshot;
    if (this.phase === 'starting') this.phase = 'active';
    this.schedule(true);
  }

  /** An in-dialog SUBSCRIBE with Expires > 0: extends the subscription and re-sends the state (RFC 6665 §4.2.1.2). */
  refresh(expiresAt: number): void {
    if (!this.isLive) return;
    this.expiresAt = expiresAt;
    if (this.phase === 'active') this.schedule(true);
  }

  /**
   * Expiry, unsubscribe or fetch: the watch stops now, and a last NOTIFY with `terminated;reason=timeout` carries the
   * state after whatever NOTIFY is in flight (RFC 6665 §4.2.1.4, §4.2.2). Before the snapshot the final NOTIFY waits
   * for it.
   */
  terminate(): void {
    if (!this.isLive) return;
    const started = this.phase === 'active';
    this.phase = 'terminating';
    this.stopWatching();
    if (started) this.schedule(true);
  }

  /** Ends at once without a NOTIFY (the connection is gone, the front stops). */
  drop(): void {
    this.end('dropped');
  }

  private schedule(force: boolean): void {
    this.due = true;
    this.force ||= force;
    this.pump();
  }

  private pump(): void {
    if (this.inFlight || !this.due || this.latest === null || this.phase === 'ended' || this.phase === 'starting') return;
    const final = this.phase === 'terminating';
    const body = this.host.body(this.eventPackage, this.targetUri, this.latest);
    this.due = false;
    if (!this.force && body === this.lastBody) return;
    this.force = false;
    this.lastBody = body;
    this.inFlight = true;
    this.sent += 1;
    void this.host.send(this.notify(body, final)).then((outcome) => this.answered(outcome, final));
  }

  private answered(outcome: ClientTransactionOutcome, final: boolean): void {
    this.inFlight = false;
    if (this.phase === 'ended') return;
    if (outcome.kind === 'overloaded') {
      // Nothing was sent: the connection waits for too many answers. The same state is tried again shortly.
      this.due = true;
      this.force = true;
      this.lastBody = null;
      this.host.later(() => this.pump());
      return;
    }
    if (outcome.kind !== 'response' || outcome.response.status >= 300) return this.end('notify-failed');
    if (final) return this.end('terminated');
    this.pump();
  }

  private notify(body: string, final: boolean): SipRequestInit {
    const { dialog } = this;
    this.cseq += 1;
    const state = final
      ? 'terminated;reason=timeout'
      : `active;expires=${Math.max(0, Math.ceil((this.expiresAt - this.host.now()) / 1000))}`;
    return {
      method: 'NOTIFY',
      uri: this.remoteTarget,
      headers: [
        ...dialog.routeSet.map((route) => ['Route', route] as const),
        ['From', `${dialog.localParty};tag=${dialog.localTag}`],
        ['To', dialog.remoteParty],
        ['Call-ID', dialog.callId],
        ['CSeq', `${this.cseq} NOTIFY`],
        ['Contact', dialog.contact],
        ['Event', this.event],
        ['Subscription-State', state],
      ],
      contentType: this.eventPackage.contentType,
      body,
    };
  }

  private stopWatching(): void {
    const stop = this.stopWatch;
    this.stopWatch = noop;
    stop();
  }

  private end(how: SubscriptionEnd): void {
    if (this.phase === 'ended') return;
    this.phase = 'ended';
    this.stopWatching();
    this.host.ended(this, how);
  }
}

function noop(): void {
  // Nothing watched (yet, or any more).
}
