import { CommandErrorCodes, Envelope, envelopeSchema, Reply } from '@parley/contracts';
import { runWithCorrelation } from '@parley/logging';
import { z } from 'zod';
import { DeadLetterKind, DeadLetterSink, NewDeadLetter } from './dead-letter/dead-letter.repository';
import { classifyFailure, describeFailure } from './dead-letter/message-failure';
import { DEFAULT_RETRY_POLICY, nextRetryDelay, RetryPolicy } from './dead-letter/retry-policy';

export interface EnvelopeConsumerOptions {
  /** The consumer group the handlers run in; recorded with each dead letter, and who replays it. */
  consumerGroup: string;
  retry?: RetryPolicy;
  onRetry?: (topic: string, attempt: number, delayMs: number, error: unknown) => void;
  onDeadLetter?: (letter: NewDeadLetter & { id: string }) => void;
  /** The wait between attempts (tests replace it). */
  sleep?: (ms: number) => Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The entry point of every consumed event and command: validates the envelope and payload before
 * any handler sees them, and scopes the work with the message's correlation id.
 *
 * Events get the retry and dead-letter policy, the same on every transport: an invalid message or
 * a permanent failure (see classifyFailure) is dead-lettered at once; a transient one is retried
 * in place with exponential backoff within the policy's bounds, then dead-lettered. Either way
 * `event` then resolves, so the transport moves on (Kafka commits the offset, the in-process bus
 * releases the outbox). Only a failure to record the dead letter propagates: the transport then
 * redelivers, and nothing is lost.
 */
export class EnvelopeConsumer {
  private readonly retry: RetryPolicy;

  constructor(
    private readonly deadLetters: DeadLetterSink,
    private readonly opts: EnvelopeConsumerOptions,
  ) {
    this.retry = opts.retry ?? DEFAULT_RETRY_POLICY;
  }

  /** For @EventPattern handlers. */
  async event<S extends z.ZodType>(
    topic: string,
    raw: unknown,
    schema: S,
    handle: (event: Envelope<z.infer<S>>) => Promise<void>,
  ): Promise<void> {
    const parsed = parseEnvelope(topic, raw, schema);
    if (!parsed.ok) return this.deadLetter({ topic, raw, reason: parsed.reason, kind: 'invalid', attempts: 0 });
    const { envelope } = parsed;
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      try {
        await runWithCorrelation(envelope.correlationId, () => handle(envelope));
        return;
      } catch (error) {
        const reason = describeFailure(error);
        if (classifyFailure(error) === 'permanent') return this.deadLetter({ topic, raw, reason, kind: 'permanent', attempts: attempt });
        const delay = nextRetryDelay(this.retry, attempt, Date.now() - started);
        if (delay === undefined) return this.deadLetter({ topic, raw, reason, kind: 'retries-exhausted', attempts: attempt });
        this.opts.onRetry?.(topic, attempt, delay, error);
        await (this.opts.sleep ?? sleep)(delay);
      }
    }
  }

  /**
   * For @MessagePattern handlers: an invalid command gets an error reply (the caller is waiting),
   * and a handler's failure goes back to the caller, which decides whether to try again.
   */
  async command<S extends z.ZodType, T>(
    topic: string,
    raw: unknown,
    schema: S,
    handle: (command: Envelope<z.infer<S>>) => Promise<Reply<T>>,
  ): Promise<Reply<T>> {
    const parsed = parseEnvelope(topic, raw, schema);
    if (!parsed.ok) return { ok: false, error: { code: CommandErrorCodes.invalidRequest, message: parsed.reason } };
    return runWithCorrelation(parsed.envelope.correlationId, () => handle(parsed.envelope));
  }

  private async deadLetter(failure: {
    topic: string;
    raw: unknown;
    reason: string;
    kind: DeadLetterKind;
    attempts: number;
  }): Promise<void> {
    const key = typeof (failure.raw as { key?: unknown })?.key === 'string' ? (failure.raw as { key: string }).key : '';
    const letter: NewDeadLetter = {
      consumerGroup: this.opts.consumerGroup,
      topic: failure.topic,
      key,
      envelope: failure.raw,
      reason: failure.reason,
      kind: failure.kind,
      attempts: failure.attempts,
    };
    // If this throws, so does `event`, and the transport redelivers the message.
    const id = await this.deadLetters.record(letter);
    this.opts.onDeadLetter?.({ ...letter, id });
  }
}

type Parsed<P> = { ok: true; envelope: Envelope<P> } | { ok: false; reason: string };

export function parseEnvelope<S extends z.ZodType>(topic: string, raw: unknown, schema: S): Parsed<z.infer<S>> {
  const envelope = envelopeSchema.safeParse(raw);
  if (!envelope.success) return { ok: false, reason: `invalid envelope: ${z.prettifyError(envelope.error)}` };
  if (envelope.data.type !== topic) return { ok: false, reason: `envelope type ${envelope.data.type} arrived on ${topic}` };
  const payload = schema.safeParse(envelope.data.payload);
  if (!payload.success) return { ok: false, reason: `invalid payload: ${z.prettifyError(payload.error)}` };
  return { ok: true, envelope: { ...envelope.data, payload: payload.data } };
}
