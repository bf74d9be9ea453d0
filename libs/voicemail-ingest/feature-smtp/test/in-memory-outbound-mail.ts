import {
  OutboundMail,
  OutboundMailError,
  type OutboundMessage,
  type OutboundReceipt,
  type OutboundRefusal,
} from '@parley/voicemail-ingest/feature-mailbox';
import { randomUUID } from 'node:crypto';

/** A stand-in for the outbound queue in the SMTP front's tests: what was queued, kept in memory. */
export class InMemoryOutboundMail extends OutboundMail {
  readonly queued: OutboundMessage[] = [];
  /** Set to make the next `enqueue` calls refuse. */
  refuseWith: OutboundRefusal | undefined;

  constructor(readonly relayEnabled: boolean) {
    super();
  }

  async enqueue(message: OutboundMessage): Promise<OutboundReceipt> {
    if (this.refuseWith) throw new OutboundMailError(this.refuseWith, `refused: ${this.refuseWith}`);
    this.queued.push(message);
    return { id: randomUUID() };
  }
}
