import { type CommandErrorCode, createEnvelope, Envelope, Reply, replySchema } from '@parley/contracts';
import { correlationIdOrNew } from '@parley/logging';
import { z } from 'zod';

/** A command did not get its reply in time (the caller maps this to its protocol's busy error). */
export class CommandTimeoutError extends Error {
  constructor(
    readonly topic: string,
    readonly timeoutMs: number,
  ) {
    super(`no reply on ${topic} within ${timeoutMs} ms`);
  }
}

/**
 * The owner refused the command: its reply carried one of the contract's codes (`CommandErrorCodes`)
 * and a message. The one error every caller of `CommandBus.request` maps, by `code`, to its protocol.
 */
export class CommandRefusedError extends Error {
  constructor(
    readonly topic: string,
    readonly code: CommandErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CommandRefusedError';
  }
}

/** One reason a reply failed its contract: where (zod's issue path, e.g. `value.start`; `(root)` for the whole reply) and what. */
export interface ReplyIssue {
  readonly path: string;
  readonly message: string;
}

/**
 * A reply did not match the command's contract (an owner running another contract version, or a
 * bug in it). Nothing of it is used: callers treat it as an internal error (EWS:
 * `ErrorInternalServerError`), never as an answer. The message names the topic and each issue path.
 */
export class InvalidReplyError extends Error {
  readonly issues: readonly ReplyIssue[];

  constructor(
    readonly topic: string,
    issues: readonly z.core.$ZodIssue[],
  ) {
    const listed = issues.map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message }));
    super(`invalid reply to ${topic}: ${listed.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
    this.name = 'InvalidReplyError';
    this.issues = listed;
  }
}

/** Synchronous commands and queries to the service that owns the data. */
export abstract class CommandBus {
  /**
   * Sends `payload` to the owner of `topic` (keyed by `key`), waits for its reply and returns the
   * reply's value. The reply is validated before anyone sees it, as `EnvelopeConsumer` validates
   * what a handler sees: a refusal needs a known code and a message, a success a value matching
   * `value` (the command's reply schema from the contracts). A refusal throws `CommandRefusedError`;
   * anything else invalid throws `InvalidReplyError` (the caller never gets part of it); no reply in
   * time throws `CommandTimeoutError`.
   */
  async request<S extends z.ZodType>(
    topic: string,
    key: string,
    payload: unknown,
    value: S,
    opts: { id?: string; timeoutMs?: number } = {},
  ): Promise<z.output<S>> {
    const envelope = createEnvelope({ type: topic, key, payload, correlationId: correlationIdOrNew(), id: opts.id });
    const raw = await this.send(topic, envelope, opts.timeoutMs);
    const parsed = replySchemaOf(value).safeParse(raw);
    if (!parsed.success) throw new InvalidReplyError(topic, parsed.error.issues);
    const reply = parsed.data as Reply<z.output<S>>;
    if (!reply.ok) throw new CommandRefusedError(topic, reply.error.code, reply.error.message);
    return reply.value;
  }

  protected abstract send(topic: string, envelope: Envelope, timeoutMs?: number): Promise<unknown>;

  /** True once replies can flow (the reply consumer has its partitions, on Kafka). */
  abstract isReady(): boolean;
}

/** Reply schemas built once per value schema (building a zod schema per request would cost more than checking it). */
const replySchemas = new WeakMap<z.ZodType, z.ZodType>();

function replySchemaOf(value: z.ZodType): z.ZodType {
  let schema = replySchemas.get(value);
  if (schema === undefined) {
    schema = replySchema(value);
    replySchemas.set(value, schema);
  }
  return schema;
}

export function withTimeout<T>(work: Promise<T>, topic: string, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CommandTimeoutError(topic, timeoutMs)), timeoutMs);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
