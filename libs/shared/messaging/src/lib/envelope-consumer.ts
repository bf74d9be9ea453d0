import { deadLetterTopicOf, Envelope, envelopeSchema, Reply, createEnvelope } from '@parley/contracts';
import { runWithCorrelation } from '@parley/logging';
import type { OutboxPublisher } from '@parley/persistence';
import { z } from 'zod';

/** Why a message went to the dead-letter topic; stored in the dead letter's payload. */
export interface DeadLetter {
  originalTopic: string;
  reason: string;
  original: unknown;
}

/**
 * The entry point of every consumed event and command: validates the envelope and payload before
 * any handler sees them, dead-letters what can never be processed, and scopes the work with the
 * message's correlation id. A handler's own exception is rethrown so the transport retries.
 */
export class EnvelopeConsumer {
  constructor(
    private readonly publisher: OutboxPublisher,
    private readonly onDeadLetter?: (letter: DeadLetter) => void,
  ) {}

  /** For @EventPattern handlers. */
  async event<S extends z.ZodType>(topic: string, raw: unknown, schema: S, handle: (event: Envelope<z.infer<S>>) => Promise<void>): Promise<void> {
    const parsed = parseEnvelope(topic, raw, schema);
    if (!parsed.ok) return this.deadLetter(topic, raw, parsed.reason);
    await runWithCorrelation(parsed.envelope.correlationId, () => handle(parsed.envelope));
  }

  /** For @MessagePattern handlers: an invalid command gets an error reply (the caller is waiting). */
  async command<S extends z.ZodType, T>(
    topic: string,
    raw: unknown,
    schema: S,
    handle: (command: Envelope<z.infer<S>>) => Promise<Reply<T>>,
  ): Promise<Reply<T>> {
    const parsed = parseEnvelope(topic, raw, schema);
    if (!parsed.ok) return { ok: false, error: { code: 'InvalidRequest', message: parsed.reason } };
    return runWithCorrelation(parsed.envelope.correlationId, () => handle(parsed.envelope));
  }

  private async deadLetter(topic: string, raw: unknown, reason: string): Promise<void> {
    const letter: DeadLetter = { originalTopic: topic, reason, original: raw };
    const key = typeof (raw as { key?: unknown })?.key === 'string' ? (raw as { key: string }).key : 'unknown';
    const dlq = deadLetterTopicOf(topic);
    const correlationId = typeof (raw as { correlationId?: unknown })?.correlationId === 'string' ? (raw as { correlationId: string }).correlationId : 'dead-letter';
    // Published directly, not through an outbox: there is no state change to commit with it. If
    // this fails the exception makes the transport redeliver, so nothing is dropped silently.
    await this.publisher.publish([{ topic: dlq, key, envelope: createEnvelope({ type: dlq, key, payload: letter, correlationId }) }]);
    this.onDeadLetter?.(letter);
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
