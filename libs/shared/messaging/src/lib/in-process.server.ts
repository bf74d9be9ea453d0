import { BaseRpcContext, CustomTransportStrategy, MessageHandler, Server } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { InProcessBroker, InProcessEndpoint } from './in-process-broker';

/** Context handed to handlers on the in-process transport (the topic, like KafkaContext's). */
export class InProcessContext extends BaseRpcContext<[string]> {
  getTopic(): string {
    return this.args[0];
  }
}

/**
 * Nest transport strategy for the embedded mode: the same @EventPattern / @MessagePattern
 * handlers that the Kafka transport drives are driven here by the InProcessBroker.
 */
export class InProcessServer extends Server implements CustomTransportStrategy, InProcessEndpoint {
  constructor(private readonly broker: InProcessBroker) {
    super();
  }

  listen(callback: () => void): void {
    this.broker.attach(this);
    callback();
  }

  close(): void {
    this.broker.detach(this);
  }

  on(): never {
    throw new Error('the in-process transport has no events to listen to');
  }

  unwrap<T>(): T {
    return this.broker as T;
  }

  /** Topics are plain strings; Nest's default tries JSON.parse on each (and throws) per message. */
  protected override getRouteFromPattern(pattern: string): string {
    return pattern;
  }

  hasHandler(topic: string): boolean {
    return this.getHandlerByPattern(topic) !== null;
  }

  async deliver(topic: string, data: unknown, kind: 'event' | 'request'): Promise<unknown> {
    const handler: MessageHandler | null = this.getHandlerByPattern(topic);
    if (!handler) throw new Error(`no handler for ${topic}`);
    if (kind === 'request' && handler.isEventHandler) throw new Error(`${topic} is an event topic, not a command`);
    // Nest's RPC proxy turns a thrown error into an erroring observable; lastValueFrom rethrows it.
    const result = await handler(data, new InProcessContext([topic]));
    return lastValueFrom(this.transformToObservable(result), { defaultValue: undefined });
  }
}
