import { BaseRpcContext } from '@nestjs/microservices';
import { DeadLetterRepository, StoredDeadLetter } from './dead-letter.repository';

/** Context handed to a handler for a replayed dead letter (the topic, like the transports' contexts). */
export class ReplayContext extends BaseRpcContext<[string]> {
  getTopic(): string {
    return this.args[0];
  }
}

/**
 * Delivers an event to this process's handlers of its topic, as the transport would; resolves
 * false when the process has no handler for the topic.
 */
export type EventRedelivery = (topic: string, key: string, envelope: unknown) => Promise<boolean>;

export interface DeadLetterReplayerOptions {
  consumerGroup: string;
  pollMs: number;
  onError?: (error: unknown) => void;
  onReplayed?: (letter: StoredDeadLetter, outcome: string) => void;
}

/**
 * Replays the dead letters an operator asked for (`parley-admin dlq replay`) that belong to this
 * process's consumer group: each is taken by one replica, delivered to the group's own handlers
 * (the envelope consumer applies the usual policy: a new failure is a new dead letter), and marked
 * with its outcome.
 */
export class DeadLetterReplayer {
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly repository: DeadLetterRepository,
    private readonly redeliver: EventRedelivery,
    private readonly opts: DeadLetterReplayerOptions,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  /** Replays every waiting letter of the group; resolves with how many. */
  async replayWaiting(): Promise<number> {
    let replayed = 0;
    while (await this.repository.replayNext(this.opts.consumerGroup, (letter, manager) => this.replay(letter, manager))) replayed++;
    return replayed;
  }

  private async replay(
    letter: StoredDeadLetter,
    manager: Parameters<DeadLetterRepository['failuresSinceTransactionStart']>[0],
  ): Promise<string> {
    if (!(await this.redeliver(letter.topic, letter.key, letter.envelope)))
      return `not replayed: ${this.opts.consumerGroup} has no handler for ${letter.topic}`;
    const failures = await this.repository.failuresSinceTransactionStart(manager, letter);
    const outcome = failures.length === 0 ? 'applied' : `failed again: dead letter ${failures.join(', ')}`;
    this.opts.onReplayed?.(letter, outcome);
    return outcome;
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        await this.replayWaiting();
      } catch (error) {
        this.opts.onError?.(error);
      }
      if (!this.running) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.opts.pollMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }
}
