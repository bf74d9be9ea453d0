import { createEnvelope, Envelope, Reply } from '@parley/contracts';
import { correlationIdOrNew } from '@parley/logging';

/** A command did not get its reply in time (the caller maps this to its protocol's busy error). */
export class CommandTimeoutError extends Error {
  constructor(readonly topic: string, readonly timeoutMs: number) {
    super(`no reply on ${topic} within ${timeoutMs} ms`);
  }
}

/** Synchronous commands and queries to the service that owns the data. */
export abstract class CommandBus {
  /** Sends `payload` to the owner of `topic` (keyed by `key`) and waits for its reply. */
  async request<T>(topic: string, key: string, payload: unknown, opts: { id?: string; timeoutMs?: number } = {}): Promise<Reply<T>> {
    const envelope = createEnvelope({ type: topic, key, payload, correlationId: correlationIdOrNew(), id: opts.id });
    return (await this.send(topic, envelope, opts.timeoutMs)) as Reply<T>;
  }

  protected abstract send(topic: string, envelope: Envelope, timeoutMs?: number): Promise<unknown>;

  /** True once replies can flow (the reply consumer has its partitions, on Kafka). */
  abstract isReady(): boolean;
}

export function withTimeout<T>(work: Promise<T>, topic: string, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CommandTimeoutError(topic, timeoutMs)), timeoutMs);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
