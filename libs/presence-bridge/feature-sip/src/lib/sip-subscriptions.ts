import { Logger } from '@nestjs/common';
import type { PresenceReader, PresenceWatchers } from '@parley/presence-bridge/feature-presence';
import { newTag, type SipRequest, type SipResponse, type Uri } from '@parley/presence-bridge/sip';
import type { SipConnection } from './sip-connection';
import {
  acceptsContentType,
  SIP_ALLOW_EVENTS,
  SIP_EVENT_PACKAGES,
  subscriptionExpiry,
  type SubscriptionExpiryRange,
} from './sip-event-packages';
import { SIP_AGENT } from './sip-front.options';
import type { SipIdentity } from './sip-identities';
import { SipNotifyBodies } from './sip-notify-bodies';
import { sipReply, sipWarning } from './sip-reply';
import { SipSubscription, type SubscriptionEnd } from './sip-subscription';

export interface SipSubscriptionsOptions extends SubscriptionExpiryRange {
  maxPerUser: number;
  /** Milliseconds since the epoch; injected for tests. */
  now: () => number;
}

/** How a response is made for a request (the front adds its Server header). */
/** A NOTIFY that found no room on its connection is tried again after this pause. */
const OVERLOAD_RETRY_MS = 1_000;

/**
 * The SUBSCRIBE dialogs of this replica (RFC 6665 as notifier, for the `presence` and `message-summary` packages):
 * soft state, each subscription tied to the connection it was made on, where its NOTIFYs go. A subscription watches its
 * presentity in the presence core (watch first, then snapshot, the higher sequence wins, as the JSON front does) and
 * ends when it expires, is unsubscribed, a NOTIFY fails, or its connection closes.
 */
export class SipSubscriptions {
  private readonly logger = new Logger('SipSubscriptions');
  /** By connection id, then dialog key (Call-ID, remote tag, local tag). */
  private readonly byConnection = new Map<string, Map<string, SipSubscription>>();
  private readonly perUser = new Map<string, number>();
  private readonly expiryTimers = new Map<SipSubscription, NodeJS.Timeout>();
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private readonly bodies = new SipNotifyBodies();
  private stopped = false;

  constructor(
    private readonly core: { readonly reader: PresenceReader; readonly watchers: PresenceWatchers },
    private readonly options: SipSubscriptionsOptions,
  ) {}

  /** Live subscriptions on this replica (metrics, tests). */
  get size(): number {
    let count = 0;
    for (const dialogs of this.byConnection.values()) count += dialogs.size;
    return count;
  }

  /** Live subscriptions of `user` on this replica. */
  countOf(user: string): number {
    return this.perUser.get(user) ?? 0;
  }

  /**
   * A SUBSCRIBE of the authenticated `user` (SMTP address): a new subscription to `target` (the user its Request-URI
   * names; undefined: none), or a refresh or unsubscribe of one of its dialogs.
   */
  async handle(request: SipRequest, user: string, target: SipIdentity | undefined, connection: SipConnection): Promise<SipResponse> {
    if (this.stopped) return sipReply(request, 503, { headers: [['Retry-After', '5']] });
    const event = request.event();
    if (event === undefined) return sipReply(request, 400, { headers: [sipWarning('SUBSCRIBE needs an Event header')] });
    const eventPackage = SIP_EVENT_PACKAGES.get(event.value.toLowerCase());
    if (eventPackage === undefined) return sipReply(request, 489, { headers: [['Allow-Events', SIP_ALLOW_EVENTS]] });
    const eventHeader = eventHeaderOf(eventPackage.name, event.params.get('id'));

    const toTag = request.to().params.get('tag');
    if (toTag !== undefined && toTag !== null) return this.inDialog(request, user, connection, eventHeader, toTag);

    if (!acceptsContentType(request.headers.getAll('Accept'), eventPackage.contentType)) {
      return sipReply(request, 406, { headers: [['Accept', eventPackage.contentType]] });
    }
    // The front has already answered 404 for a user not in the directory; a URI without a user names no presentity.
    if (target === undefined) return sipReply(request, 404, { headers: [sipWarning('the Request-URI names no user')] });
    if (eventPackage.ownerOnly && target.address !== user) {
      return sipReply(request, 403, { headers: [sipWarning(`${eventPackage.name} is only for one's own account`)] });
    }
    const expiry = subscriptionExpiry(request.expires(), this.options);
    if (expiry.kind === 'too-brief') return sipReply(request, 423, { headers: [['Min-Expires', String(expiry.minExpires)]] });
    const contact = singleContact(request);
    if (contact === undefined) return sipReply(request, 400, { headers: [sipWarning('SUBSCRIBE needs exactly one Contact')] });
    const fetch = expiry.seconds === 0;
    if (!fetch && this.countOf(user) >= this.options.maxPerUser) {
      return sipReply(request, 403, { headers: [sipWarning(`at most ${this.options.maxPerUser} subscriptions per user`)] });
    }

    const remoteTag = request.from().params.get('tag');
    if (remoteTag === undefined || remoteTag === null) return sipReply(request, 400, { headers: [sipWarning('From needs a tag')] });
    const localTag = newTag();
    const subscription = new SipSubscription(
      user,
      target.address,
      target.uri,
      eventPackage,
      eventHeader,
      {
        callId: request.callId(),
        localTag,
        remoteTag,
        localParty: request.headers.get('To') ?? `<${target.uri}>`,
        remoteParty: request.headers.get('From') ?? '',
        routeSet: request.headers.getAll('Record-Route'),
        contact: dialogContact(request.uri, connection),
      },
      contact,
      request.cseq().seq,
      fetch ? 0 : this.options.now() + expiry.seconds * 1000,
      {
        send: (init) => connection.request(init),
        now: this.options.now,
        later: (work) => this.later(work),
        ended: (ended, how) => this.ended(ended, connection.id, how),
        body: (eventPackage, targetUri, presence) => this.bodies.body(eventPackage, targetUri, presence),
      },
    );
    // Counted and findable before the first await: a second SUBSCRIBE meanwhile sees it, a close meanwhile drops it.
    if (fetch) subscription.terminate();
    else this.add(subscription, connection.id);
    if (!fetch) subscription.watching(this.core.watchers.watch(user, target.address, subscription.update));
    let snapshot;
    try {
      snapshot = (await this.core.reader.snapshot(user, [target.address])).get(target.address);
    } catch (error) {
      subscription.drop();
      throw error;
    }
    if (snapshot === undefined) {
      subscription.drop();
      return sipReply(request, 404);
    }
    if (subscription.isEnded) return sipReply(request, 481);
    const first = snapshot;
    // The first NOTIFY after the 200, which the front writes as soon as this returns (RFC 6665 lets a NOTIFY overtake
    // the 200, but clients cope better in order): setImmediate runs after the promise chain that sends the response.
    setImmediate(() => subscription.start(first));
    return sipReply(request, 200, {
      toTag: localTag,
      headers: [...recordRoutes(request), ['Contact', subscription.dialog.contact], ['Expires', String(expiry.seconds)]],
    });
  }

  /** The connection closed: its subscriptions end without a NOTIFY (there is no way left to send one). */
  connectionClosed(connectionId: string): void {
    const dialogs = this.byConnection.get(connectionId);
    if (dialogs === undefined) return;
    for (const subscription of [...dialogs.values()]) subscription.drop();
  }

  /** Shutdown: every subscription ends at once, and no timer is left. */
  stop(): void {
    this.stopped = true;
    for (const dialogs of [...this.byConnection.values()]) for (const subscription of [...dialogs.values()]) subscription.drop();
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.retryTimers.clear();
  }

  private inDialog(request: SipRequest, user: string, connection: SipConnection, eventHeader: string, toTag: string): SipResponse {
    const key = dialogKey(request.callId(), request.from().params.get('tag') ?? '', toTag);
    const subscription = this.byConnection.get(connection.id)?.get(key);
    // Another user's dialog, another package or id in this dialog, or one that ended: no such subscription.
    if (subscription === undefined || !subscription.isLive || subscription.subscriber !== user || subscription.event !== eventHeader) {
      return sipReply(request, 481);
    }
    const cseq = request.cseq().seq;
    if (cseq < subscription.remoteCseq)
      return sipReply(request, 500, { headers: [sipWarning('CSeq is below that of an earlier request in this dialog')] });
    const expiry = subscriptionExpiry(request.expires(), this.options);
    if (expiry.kind === 'too-brief') return sipReply(request, 423, { headers: [['Min-Expires', String(expiry.minExpires)]] });
    subscription.remoteCseq = cseq;
    const contact = singleContact(request);
    if (contact !== undefined) subscription.remoteTarget = contact;
    const headers: Array<readonly [string, string]> = [
      ['Contact', subscription.dialog.contact],
      ['Expires', String(expiry.seconds)],
    ];
    if (expiry.seconds === 0) {
      this.forget(subscription, connection.id);
      subscription.terminate();
    } else {
      const expiresAt = this.options.now() + expiry.seconds * 1000;
      subscription.expiresAt = expiresAt;
      this.armExpiry(subscription, connection.id, expiresAt);
      // The refreshed state follows the 200, as the first NOTIFY does.
      setImmediate(() => subscription.refresh(expiresAt));
    }
    return sipReply(request, 200, { headers });
  }

  private add(subscription: SipSubscription, connectionId: string): void {
    let dialogs = this.byConnection.get(connectionId);
    if (dialogs === undefined) {
      dialogs = new Map();
      this.byConnection.set(connectionId, dialogs);
    }
    const { dialog } = subscription;
    dialogs.set(dialogKey(dialog.callId, dialog.remoteTag, dialog.localTag), subscription);
    this.perUser.set(subscription.subscriber, this.countOf(subscription.subscriber) + 1);
    this.armExpiry(subscription, connectionId, subscription.expiresAt);
  }

  /** Removes `subscription` from the maps and its timer (it may still send its final NOTIFY). */
  private forget(subscription: SipSubscription, connectionId: string): void {
    const timer = this.expiryTimers.get(subscription);
    if (timer !== undefined) clearTimeout(timer);
    this.expiryTimers.delete(subscription);
    const dialogs = this.byConnection.get(connectionId);
    const { dialog } = subscription;
    const key = dialogKey(dialog.callId, dialog.remoteTag, dialog.localTag);
    if (dialogs?.get(key) !== subscription) return;
    dialogs.delete(key);
    if (dialogs.size === 0) this.byConnection.delete(connectionId);
    const left = this.countOf(subscription.subscriber) - 1;
    if (left > 0) this.perUser.set(subscription.subscriber, left);
    else this.perUser.delete(subscription.subscriber);
  }

  private armExpiry(subscription: SipSubscription, connectionId: string, expiresAt: number): void {
    const previous = this.expiryTimers.get(subscription);
    if (previous !== undefined) clearTimeout(previous);
    const timer = setTimeout(
      () => {
        this.expiryTimers.delete(subscription);
        this.forget(subscription, connectionId);
        subscription.terminate();
      },
      Math.max(0, expiresAt - this.options.now()),
    );
    timer.unref();
    this.expiryTimers.set(subscription, timer);
  }

  private ended(subscription: SipSubscription, connectionId: string, how: SubscriptionEnd): void {
    this.forget(subscription, connectionId);
    if (how === 'notify-failed') {
      this.logger.debug(
        `${subscription.subscriber}'s ${subscription.eventPackage.name} subscription to ${subscription.target} ended: a NOTIFY failed`,
      );
    }
  }

  private later(work: () => void): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.retryTimers.delete(timer);
      work();
    }, OVERLOAD_RETRY_MS);
    timer.unref();
    this.retryTimers.add(timer);
  }
}

/**
 * The Contact of the notifier's side of a dialog: the Request-URI's host over the transport it came on. A sips:
 * Request-URI needs a sips: Contact (RFC 3261 §8.1.1.8, §12.1.1); transport=tls is the deprecated spelling of that.
 */
function dialogContact(requestUri: Uri, connection: SipConnection): string {
  if (requestUri.kind !== 'sip') return `<sip:${SIP_AGENT}.invalid>`;
  if (requestUri.scheme === 'sips') return `<sips:${requestUri.host}>`;
  return `<sip:${requestUri.host};transport=${connection.transport.toLowerCase()}>`;
}

function dialogKey(callId: string, remoteTag: string, localTag: string): string {
  return `${callId}\n${remoteTag}\n${localTag}`;
}

function eventHeaderOf(name: string, id: string | null | undefined): string {
  return id === undefined || id === null ? name : `${name};id=${id}`;
}

/** The one Contact a SUBSCRIBE must carry (RFC 6665 §4.1.2.1), or undefined when it has none, several, or `*`. */
function singleContact(request: SipRequest): Uri | undefined {
  const contacts = request.contacts();
  return contacts === '*' || contacts.length !== 1 ? undefined : contacts[0].uri;
}

/** A 2xx that creates a dialog copies the Record-Route of the request (RFC 3261 §12.1.1). */
function recordRoutes(request: SipRequest): Array<readonly [string, string]> {
  return request.headers.getAll('Record-Route').map((value) => ['Record-Route', value] as const);
}
