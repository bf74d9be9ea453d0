import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import {
  MailboxEventJournal,
  type NotificationSubscriptionEntity,
  NotificationSubscriptionRepository,
} from '@parley/ews-gateway/data-access';
import { NS, responseMessage, soapEnvelope, writeEwsXml } from '@parley/ews-gateway/soap';
import { Metrics } from '@parley/observability';
import { DueQueuePoller } from '@parley/persistence';
import { el } from '@parley/xml';
import { Counter } from 'prom-client';
import { EWS_ENDPOINT_OPTIONS, type EwsEndpointOptions } from '../ews-options';
import { FolderIds } from '../folders/folder-ids';
import { MAX_EVENTS_PER_NOTIFICATION } from './notification-subscriptions.service';
import { NotificationException } from './notification.exception';
import { notificationElement, type NotificationContent } from './notification.writer';
import { PushCallbackError, postSendNotification } from './push-callback.client';
import { PushDestinationPolicy } from './push-destination.policy';

/** Longest sleep between looks at the table: rows other replicas planned, and leases of a replica that died, are found by then. */
const POLL_MAX_MS = 5_000;
/** Most subscriptions one look claims. */
const BATCH = 20;
/** Most callbacks in flight on one replica: a slow listener holds one slot for up to the timeout, not the others' turn. */
const MAX_IN_FLIGHT = 100;
/** A claim outlives its callback's timeout by this much (reading the journal, writing the outcome). */
const LEASE_MARGIN_MS = 60_000;
/** The retry backoff doubles up to this. */
const MAX_RETRY_DELAY_MS = 3_600_000;

export type PushOutcome = 'delivered' | 'unsubscribed' | 'idle' | 'retrying' | 'ended';

/**
 * Push notifications: every replica runs one dispatcher over the shared subscription table (the
 * shared `DueQueuePoller`). A look claims due push subscriptions (`FOR UPDATE SKIP LOCKED`, leased
 * while the callback is in flight), reads each one's journal after its watermark with its filter,
 * and POSTs a SOAP `SendNotification` (its events, or a status event when none wait and the status
 * time has come) to the callback URL, checked again by the destination policy. The listener's
 * `SendNotificationResult` decides: OK moves the watermark and plans the next status notification
 * after StatusFrequency minutes; Unsubscribe ends the subscription. A failed callback is retried
 * with a doubling backoff, `PARLEY_EWS_PUSH_MAX_RETRIES` times, then the subscription ends.
 */
@Injectable()
export class PushDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('EwsPush');
  private readonly poller: DueQueuePoller;
  private readonly callbacks: Counter<'outcome'>;
  private readonly ended: Counter<'reason'>;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly journal: MailboxEventJournal,
    private readonly subscriptions: NotificationSubscriptionRepository,
    private readonly folderIds: FolderIds,
    private readonly policy: PushDestinationPolicy,
    @Inject(EWS_ENDPOINT_OPTIONS) private readonly options: Pick<EwsEndpointOptions, 'notifications'>,
    metrics: Metrics,
  ) {
    this.poller = new DueQueuePoller(
      { fireDue: (limit) => this.fireDue(limit), nextDueAt: () => this.subscriptions.nextPushDueAt() },
      {
        pollMaxMs: POLL_MAX_MS,
        batchSize: BATCH,
        onError: (error, retryInMs) =>
          this.logger.error(`push subscriptions could not be polled; trying again in ${retryInMs} ms: ${String(error)}`),
      },
    );
    this.callbacks = new Counter({
      name: 'parley_ews_push_callbacks_total',
      help: 'Push notification callbacks sent by this gateway replica, by outcome (ok, unsubscribe, failed)',
      labelNames: ['outcome'],
      registers: [metrics.registry],
    });
    this.ended = new Counter({
      name: 'parley_ews_push_subscriptions_ended_total',
      help: "Push subscriptions this replica ended, by reason (unsubscribe: the listener's answer; failures: retries exhausted)",
      labelNames: ['reason'],
      registers: [metrics.registry],
    });
  }

  onApplicationBootstrap(): void {
    this.poller.start();
  }

  /** Before the database closes: the callbacks in flight finish and their outcomes are written. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.poller.stop();
    await this.drained();
  }

  /** Resolves when no callback of this replica is in flight. */
  async drained(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
  }

  /** A local commit made a push subscription due now (a new one, or an event on its mailbox): look at once. */
  nudge(): void {
    this.poller.nudge();
  }

  /**
   * Claims up to `limit` due push subscriptions (fewer when `MAX_IN_FLIGHT` callbacks are already
   * out) and starts their callbacks; returns how many it claimed. Each callback's end makes the
   * poller look again (its subscription may be due again at once, and its slot is free).
   */
  async fireDue(limit: number, clock: () => number = Date.now): Promise<number> {
    const room = Math.min(limit, MAX_IN_FLIGHT - this.inFlight.size);
    if (room <= 0) return 0;
    const now = clock();
    const leaseUntil = new Date(now + this.options.notifications.push.timeoutMs + LEASE_MARGIN_MS);
    const claimed = await this.subscriptions.claimDuePush(new Date(now), leaseUntil, room);
    for (const subscription of claimed) {
      const delivery: Promise<unknown> = this.deliver(subscription, clock).finally(() => {
        this.inFlight.delete(delivery);
        this.poller.nudge();
      });
      this.inFlight.add(delivery);
    }
    return claimed.length;
  }

  /** One claimed subscription's turn; errors of the gateway's own (the database) leave the claim to run out and be retried. */
  async deliver(subscription: NotificationSubscriptionEntity, clock: () => number = Date.now): Promise<PushOutcome | 'left'> {
    try {
      return await this.deliverOrFail(subscription, clock);
    } catch (error) {
      this.logger.error(
        `push subscription ${subscription.id} of ${subscription.mailbox} could not be served; retried when its claim runs out: ${String(error)}`,
      );
      return 'left';
    }
  }

  private async deliverOrFail(subscription: NotificationSubscriptionEntity, clock: () => number): Promise<PushOutcome> {
    const page = await this.journal.readAfter(subscription.mailbox, subscription.watermark, subscription, MAX_EVENTS_PER_NOTIFICATION);
    const statusDueAt = subscription.pushStatusDueAt;
    if (page.events.length === 0 && statusDueAt !== null && statusDueAt.getTime() > clock()) {
      await this.subscriptions.pushIdle(subscription.id, statusDueAt);
      return 'idle';
    }
    const newWatermark = page.truncated ? page.events[page.events.length - 1].seq : page.lastSeq;
    const content: NotificationContent = {
      subscriptionId: subscription.id,
      previousWatermark: subscription.watermark,
      moreEvents: page.truncated,
      events: page.events,
      statusWatermark: newWatermark,
    };
    let status: 'OK' | 'Unsubscribe';
    try {
      const destination = await this.policy.check(subscription.callbackUrl ?? '');
      status = await postSendNotification(destination, this.envelope(content), this.options.notifications.push.timeoutMs);
    } catch (error) {
      if (!(error instanceof PushCallbackError) && !(error instanceof NotificationException)) throw error;
      this.callbacks.inc({ outcome: 'failed' });
      return this.failed(subscription, error.message, clock());
    }
    if (status === 'Unsubscribe') {
      this.callbacks.inc({ outcome: 'unsubscribe' });
      await this.subscriptions.remove(subscription.id);
      this.ended.inc({ reason: 'unsubscribe' });
      this.logger.log(`push subscription ${subscription.id} of ${subscription.mailbox} ended: its listener answered Unsubscribe`);
      return 'unsubscribed';
    }
    this.callbacks.inc({ outcome: 'ok' });
    const now = clock();
    await this.subscriptions.pushDelivered(subscription.id, {
      watermark: newWatermark,
      moreEvents: page.truncated,
      statusDueAt: new Date(now + (subscription.statusFrequencyMinutes ?? 1) * 60_000),
      now: new Date(now),
    });
    return 'delivered';
  }

  private async failed(subscription: NotificationSubscriptionEntity, reason: string, now: number): Promise<PushOutcome> {
    const failures = subscription.pushFailures + 1;
    const { maxRetries, retryBackoffMs } = this.options.notifications.push;
    if (failures > maxRetries) {
      await this.subscriptions.remove(subscription.id);
      this.ended.inc({ reason: 'failures' });
      this.logger.warn(
        `push subscription ${subscription.id} of ${subscription.mailbox} ended after ${failures} failed callbacks in a row: ${reason}`,
      );
      return 'ended';
    }
    const delay = Math.min(retryBackoffMs * 2 ** (failures - 1), MAX_RETRY_DELAY_MS);
    await this.subscriptions.pushFailed(subscription.id, new Date(now + delay));
    this.logger.warn(
      `push callback of subscription ${subscription.id} failed (${failures} in a row); trying again in ${delay} ms: ${reason}`,
    );
    return 'retrying';
  }

  /** `m:SendNotification` → `m:ResponseMessages` → `m:SendNotificationResponseMessage` with `m:Notification`, as Exchange sends it. */
  private envelope(content: NotificationContent): string {
    const message = responseMessage('SendNotificationResponseMessage', {
      content: notificationElement(content, (mailbox, kind) => this.folderIds.identity(mailbox, kind)),
    });
    return writeEwsXml(soapEnvelope(el(NS.MESSAGES, 'SendNotification', {}, el(NS.MESSAGES, 'ResponseMessages', {}, message))));
  }
}
