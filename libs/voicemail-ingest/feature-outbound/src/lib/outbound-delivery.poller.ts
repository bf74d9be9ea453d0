import { BeforeApplicationShutdown, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DueQueuePoller } from '@parley/persistence';
import type { OutboundDeliveryService } from './outbound-delivery.service';
import type { OutboundSettings } from './outbound-settings';

/** Longest wait at shutdown for attempts in progress. */
const STOP_WAIT_MS = 5000;

/**
 * The outbound queue's timer on this replica (the shared `DueQueuePoller`): it tries what is due,
 * sleeps until the next attempt (at most `pollMaxMs`), and wakes at once when a message is queued
 * here. Any number of replicas run one: messages are claimed with SKIP LOCKED.
 */
export class OutboundDeliveryPoller implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = new Logger('OutboundMail');
  private readonly poller: DueQueuePoller;

  constructor(service: OutboundDeliveryService, settings: OutboundSettings) {
    this.poller = new DueQueuePoller(
      { fireDue: (limit) => service.fireDue(limit), nextDueAt: () => service.nextDueAt() },
      {
        pollMaxMs: settings.pollMaxMs,
        batchSize: settings.batchSize,
        onError: (error, retryInMs) =>
          this.log.error(`the outbound queue could not be polled; trying again in ${retryInMs} ms: ${String(error)}`),
      },
    );
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  /** Before the database closes, so an attempt in progress records its results. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  start(): void {
    this.poller.start();
  }

  /**
   * Stops polling and waits for attempts in progress, at most `STOP_WAIT_MS`: a smarthost that stalls
   * must not eat the shutdown budget. An attempt cut off records nothing; its lease brings it back.
   */
  async stop(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, STOP_WAIT_MS)));
    await Promise.race([this.poller.stop(), waited]);
    clearTimeout(timer);
  }

  /** A message was queued here: look now. */
  nudge(): void {
    this.poller.nudge();
  }
}
