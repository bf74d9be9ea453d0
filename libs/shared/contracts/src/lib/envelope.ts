import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { type CommandErrorCode, commandErrorCodeSchema } from './command-errors';

/** Mailbox keys are lower-cased SMTP addresses: Kafka keeps per-key order, so per-user order holds. */
export const mailboxKey = z
  .string()
  .trim()
  .min(3)
  .max(320)
  .regex(/^[^\s@]+@[^\s@]+$/, 'must be an SMTP address')
  .transform((s) => s.toLowerCase());

export function toMailboxKey(address: string): string {
  return address.trim().toLowerCase();
}

/**
 * The one envelope every event and command travels in, on every transport. The same fields are
 * mirrored into Kafka headers (event-id, correlation-id, occurred-at, schema-version) for tooling.
 */
export const envelopeSchema = z.object({
  id: z.uuid(),
  type: z.string().min(1),
  version: z.number().int().positive(),
  occurredAt: z.iso.datetime({ offset: true }),
  key: z.string().min(1),
  correlationId: z.string().min(1).max(200),
  payload: z.unknown(),
});

export type Envelope<P = unknown> = Omit<z.infer<typeof envelopeSchema>, 'payload'> & { payload: P };

/** Reply to a command. A refusal carries one of the contract's codes; the caller maps it to its own protocol. */
export type Reply<T> = { ok: true; value: T } | { ok: false; error: { code: CommandErrorCode; message: string } };

/**
 * The schema of a reply whose value is `value` (the command's reply schema, e.g. `oofViewSchema`):
 * what a caller checks a reply against before using it, as consumers check what they consume. A
 * refusal's code must be one of `CommandErrorCodes`.
 */
export function replySchema<S extends z.ZodType>(value: S) {
  return z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), value }),
    z.object({ ok: z.literal(false), error: z.object({ code: commandErrorCodeSchema, message: z.string() }) }),
  ]);
}

/** Builds an envelope for a new event or command. The id doubles as the idempotency key. */
export function createEnvelope<P>(args: {
  type: string;
  version?: number;
  key: string;
  payload: P;
  correlationId: string;
  id?: string;
  occurredAt?: Date;
}): Envelope<P> {
  return {
    id: args.id ?? randomUUID(),
    type: args.type,
    version: args.version ?? versionOfTopic(args.type),
    occurredAt: (args.occurredAt ?? new Date()).toISOString(),
    key: args.key,
    correlationId: args.correlationId,
    payload: args.payload,
  };
}

/** The schema version a topic name carries (`….v2` → 2). */
export function versionOfTopic(topic: string): number {
  const match = /\.v(\d+)$/.exec(topic);
  if (!match) throw new Error(`topic has no version suffix: ${topic}`);
  return Number(match[1]);
}
