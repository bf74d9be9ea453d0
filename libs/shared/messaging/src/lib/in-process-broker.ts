/** What the broker delivers to: the Nest server strategy of the embedded process. */
export interface InProcessEndpoint {
  /** Runs the handler for `topic`; resolves with its reply (requests) or once it finished (events). */
  deliver(topic: string, data: unknown, kind: 'event' | 'request'): Promise<unknown>;
  hasHandler(topic: string): boolean;
}

export interface InProcessBrokerOptions {
  /** Cap for the retry delay of a failing event handler. */
  maxBackoffMs?: number;
  onRetry?: (topic: string, attempt: number, error: unknown) => void;
}

/**
 * The embedded mode's message bus, with the Kafka semantics Parley relies on:
 * - order per (topic, key): one message of a key is handled at a time, in publish order;
 * - request/reply to the one handler of a command topic;
 * - at-least-once delivery: a handler that throws is redelivered (with backoff) until it succeeds,
 *   as Kafka redelivers an uncommitted offset. Handlers throw only when not even a dead letter
 *   could be recorded (EnvelopeConsumer retries and dead-letters their own failures), so one
 *   poison event does not hold up its key or the outbox; `publish` resolves only once handled,
 *   so the outbox marks a row sent only after its consumers ran;
 * - messages published before the endpoint attaches wait for it, as they would in a topic; once it
 *   has detached (the app is closing), publishing fails at once, so the outbox keeps the row for the
 *   next start instead of its relay waiting for ever.
 * Payloads cross as JSON copies, so nothing works here that would break on the wire.
 */
export class InProcessBroker {
  private endpoint: InProcessEndpoint | undefined;
  private attached!: Promise<void>;
  private resolveAttached!: () => void;
  private readonly chains = new Map<string, Promise<unknown>>();
  private closed = false;

  constructor(private readonly opts: InProcessBrokerOptions = {}) {
    this.resetAttachment();
  }

  attach(endpoint: InProcessEndpoint): void {
    if (this.endpoint && this.endpoint !== endpoint) throw new Error('in-process broker already has an endpoint');
    this.endpoint = endpoint;
    this.closed = false;
    this.resolveAttached();
  }

  detach(endpoint: InProcessEndpoint): void {
    if (this.endpoint !== endpoint) return;
    this.endpoint = undefined;
    this.closed = true;
    const wakeWaiting = this.resolveAttached;
    this.resetAttachment();
    wakeWaiting();
  }

  get isAttached(): boolean {
    return this.endpoint !== undefined;
  }

  /** Delivers an event; resolves once its handler (if any) has completed. */
  publish(topic: string, key: string, message: unknown): Promise<void> {
    const data = wireCopy(message);
    return this.inOrder(topic, key, async () => {
      const endpoint = await this.waitForEndpoint();
      if (!endpoint.hasHandler(topic)) return;
      await this.untilHandled(endpoint, topic, data);
    });
  }

  /** Sends a command to its handler and resolves with the reply. */
  request(topic: string, key: string, message: unknown): Promise<unknown> {
    const data = wireCopy(message);
    return this.inOrder(topic, key, async () => {
      const endpoint = await this.waitForEndpoint();
      if (!endpoint.hasHandler(topic)) throw new Error(`no handler for ${topic}`);
      return wireCopy(await endpoint.deliver(topic, data, 'request'));
    });
  }

  private async untilHandled(endpoint: InProcessEndpoint, topic: string, data: unknown): Promise<void> {
    let delay = 50;
    for (let attempt = 1; ; attempt++) {
      try {
        await endpoint.deliver(topic, data, 'event');
        return;
      } catch (error) {
        if (this.closed) throw error;
        this.opts.onRetry?.(topic, attempt, error);
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, this.opts.maxBackoffMs ?? 5_000);
      }
    }
  }

  private inOrder<T>(topic: string, key: string, work: () => Promise<T>): Promise<T> {
    const chainKey = `${topic}\u0000${key}`;
    const previous = this.chains.get(chainKey) ?? Promise.resolve();
    const result = previous.then(work, work);
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    this.chains.set(chainKey, settled);
    void settled.then(() => {
      if (this.chains.get(chainKey) === settled) this.chains.delete(chainKey);
    });
    return result;
  }

  private async waitForEndpoint(): Promise<InProcessEndpoint> {
    while (!this.endpoint) {
      if (this.closed) throw new Error('the in-process bus is closed');
      await this.attached;
    }
    return this.endpoint;
  }

  private resetAttachment(): void {
    this.attached = new Promise((resolve) => (this.resolveAttached = resolve));
  }
}

function wireCopy<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}
