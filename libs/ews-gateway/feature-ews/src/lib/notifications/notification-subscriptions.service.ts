import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { ActingMailbox } from '@parley/ews-gateway/auth';
import {
  MailboxEventJournal,
  type NotificationSubscriptionEntity,
  NotificationSubscriptionRepository,
  type SubscriptionKind,
} from '@parley/ews-gateway/data-access';
import { CalendarAccess } from '../calendar/calendar-access';
import { EWS_ENDPOINT_OPTIONS, type EwsEndpointOptions } from '../ews-options';
import type { FolderKind } from '../folders/mailbox-folders';
import { decodeSubscriptionId, decodeWatermark } from './notification-ids';
import { NotificationException } from './notification.exception';
import type { NotificationContent } from './notification.writer';
import { PushDispatcher } from './push-dispatcher';
import { PushDestinationPolicy } from './push-destination.policy';
import type { SubscribeRequest } from './subscription-request.reader';

/** Most events one notification (a GetEvents answer, a push, a streaming message) carries; `MoreEvents` says when more wait. */
export const MAX_EVENTS_PER_NOTIFICATION = 100;
/** How long a streaming subscription outlives its last connection (Exchange: 30 minutes). */
export const STREAMING_IDLE_LIFETIME_MS = 30 * 60_000;
/** Push subscriptions end by the client's `Unsubscribe` status or by failed callbacks, not by time. */
const PUSH_LIFETIME_MS = 10 * 365 * 86_400_000;

export interface GetEventsResult extends NotificationContent {
  readonly newWatermark: number;
}

/**
 * EWS notification subscriptions over the gateway's schema: every replica reads and advances the
 * same rows, and a watermark is a position in the mailbox's event journal (see docs/architecture.md,
 * "EWS notifications"). A subscription belongs to the mailbox it was made for: only a caller acting
 * as that mailbox (itself, or by impersonation) may read or end it.
 */
@Injectable()
export class NotificationSubscriptions {
  constructor(
    private readonly journal: MailboxEventJournal,
    private readonly subscriptions: NotificationSubscriptionRepository,
    private readonly access: CalendarAccess,
    private readonly pushDestinations: PushDestinationPolicy,
    private readonly push: PushDispatcher,
    @Inject(EWS_ENDPOINT_OPTIONS) private readonly options: Pick<EwsEndpointOptions, 'notifications'>,
  ) {}

  async subscribe(acting: ActingMailbox, request: SubscribeRequest, now = new Date()): Promise<{ id: string; watermark: number }> {
    const mailbox = acting.mailbox.smtpAddress;
    const folders =
      request.folders === null ? null : [...new Set(request.folders.map((ref) => watchedFolder(this.access.folderKind(acting, ref))))];
    const limit = this.options.notifications.maxSubscriptionsPerMailbox;
    if ((await this.subscriptions.countFor(mailbox, request.kind)) >= limit)
      throw new NotificationException(
        'ErrorExceededSubscriptionCount',
        `A mailbox may hold at most ${limit} ${request.kind} subscriptions.`,
      );
    // Refused at once rather than accepted and failing at every send (and checked again at each send).
    if (request.kind === 'push') await this.pushDestinations.check(request.url);
    const position = await this.journal.position(mailbox);
    const watermark =
      request.kind === 'streaming' || request.watermark === undefined
        ? position.lastSeq
        : this.checkedWatermark(request.watermark, position);
    const id = randomUUID();
    await this.subscriptions.create({
      id,
      mailbox,
      kind: request.kind,
      folders,
      eventTypes: [...request.eventTypes],
      watermark,
      timeoutMinutes: request.kind === 'pull' ? request.timeoutMinutes : null,
      statusFrequencyMinutes: request.kind === 'push' ? request.statusFrequencyMinutes : null,
      callbackUrl: request.kind === 'push' ? request.url : null,
      callerData: request.kind === 'push' ? (request.callerData ?? null) : null,
      createdAt: now,
      expiresAt: new Date(now.getTime() + lifetimeMs(request)),
      // A push subscription's first status notification goes out at once: Exchange's way of telling the listener it exists.
      pushDueAt: request.kind === 'push' ? now : null,
      pushStatusDueAt: null,
    });
    if (request.kind === 'push') this.push.nudge();
    return { id, watermark };
  }

  /** GetEvents: the events after `watermark`, which then becomes the subscription's acknowledged position. */
  async getEvents(acting: ActingMailbox, subscriptionId: string, watermarkText: string, now = new Date()): Promise<GetEventsResult> {
    const subscription = await this.owned(acting, subscriptionId, 'pull', now);
    const position = await this.journal.position(subscription.mailbox);
    const after = this.checkedWatermark(watermarkText, position);
    const page = await this.journal.readAfter(subscription.mailbox, after, subscription, MAX_EVENTS_PER_NOTIFICATION);
    const newWatermark = page.truncated ? page.events[page.events.length - 1].seq : page.lastSeq;
    const timeoutMs = (subscription.timeoutMinutes ?? 1) * 60_000;
    if (!(await this.subscriptions.advance(subscription.id, newWatermark, new Date(now.getTime() + timeoutMs))))
      throw new NotificationException('ErrorSubscriptionNotFound', 'The subscription was ended.');
    return {
      subscriptionId: subscription.id,
      previousWatermark: after,
      moreEvents: page.truncated,
      events: page.events,
      statusWatermark: newWatermark,
      newWatermark,
    };
  }

  async unsubscribe(acting: ActingMailbox, subscriptionId: string, now = new Date()): Promise<void> {
    const subscription = await this.owned(acting, subscriptionId, undefined, now);
    await this.subscriptions.remove(subscription.id);
  }

  /** The streaming subscriptions a GetStreamingEvents names, each checked; a refusal per id. */
  async forStreaming(
    acting: ActingMailbox,
    subscriptionIds: readonly string[],
    now = new Date(),
  ): Promise<{ subscriptions: NotificationSubscriptionEntity[]; refused: { id: string; error: NotificationException }[] }> {
    const subscriptions: NotificationSubscriptionEntity[] = [];
    const refused: { id: string; error: NotificationException }[] = [];
    for (const id of subscriptionIds) {
      try {
        subscriptions.push(await this.owned(acting, id, 'streaming', now));
      } catch (error) {
        if (!(error instanceof NotificationException)) throw error;
        refused.push({ id, error });
      }
    }
    return { subscriptions, refused };
  }

  private async owned(acting: ActingMailbox, subscriptionId: string, kind: SubscriptionKind | undefined, now: Date) {
    const rowId = decodeSubscriptionId(subscriptionId);
    if (rowId === undefined) throw new NotificationException('ErrorInvalidSubscription', 'The subscription id is malformed.');
    const subscription = await this.subscriptions.find(rowId);
    if (subscription === null) throw new NotificationException('ErrorSubscriptionNotFound', 'No such subscription.');
    if (subscription.mailbox !== acting.mailbox.smtpAddress)
      throw new NotificationException('ErrorSubscriptionAccessDenied', 'The subscription belongs to another mailbox.');
    if (NotificationSubscriptionRepository.isExpired(subscription, now)) {
      await this.subscriptions.remove(subscription.id);
      throw new NotificationException('ErrorExpiredSubscription', 'The subscription expired: it was not used within its timeout.');
    }
    if (kind !== undefined && subscription.kind !== kind)
      throw new NotificationException('ErrorInvalidSubscription', `This is a ${subscription.kind} subscription, not a ${kind} one.`);
    return subscription;
  }

  private checkedWatermark(text: string, position: { lastSeq: number; purgedThrough: number }): number {
    const seq = decodeWatermark(text);
    if (seq === undefined || seq > position.lastSeq)
      throw new NotificationException('ErrorInvalidWatermark', 'The watermark is not valid.');
    if (seq < position.purgedThrough)
      throw new NotificationException('ErrorInvalidWatermark', 'The watermark is older than the events the server keeps; subscribe again.');
    return seq;
  }
}

/** Voicemail is a search folder over the Inbox: its items' events are the Inbox's. */
function watchedFolder(kind: FolderKind): string {
  return kind === 'voicemail' ? 'inbox' : kind;
}

function lifetimeMs(request: SubscribeRequest): number {
  if (request.kind === 'pull') return request.timeoutMinutes * 60_000;
  return request.kind === 'push' ? PUSH_LIFETIME_MS : STREAMING_IDLE_LIFETIME_MS;
}
