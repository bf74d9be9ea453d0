import type { Envelope } from '@parley/contracts';
import type { OutboundMessage, OutboxPublisher } from '@parley/persistence';
import { CommandBus, withTimeout } from './command-bus';
import { InProcessBroker } from './in-process-broker';

/** The outbox relay's target in the embedded mode: resolves once every consumer has run. */
export class InProcessOutboxPublisher implements OutboxPublisher {
  constructor(private readonly broker: InProcessBroker) {}

  async publish(messages: OutboundMessage[]): Promise<void> {
    await Promise.all(messages.map((m) => this.broker.publish(m.topic, m.key, m.envelope)));
  }
}

export class InProcessCommandBus extends CommandBus {
  constructor(
    private readonly broker: InProcessBroker,
    private readonly defaultTimeoutMs: number,
  ) {
    super();
  }

  protected send(topic: string, envelope: Envelope, timeoutMs?: number): Promise<unknown> {
    return withTimeout(this.broker.request(topic, envelope.key, envelope), topic, timeoutMs ?? this.defaultTimeoutMs);
  }

  isReady(): boolean {
    return this.broker.isAttached;
  }
}
