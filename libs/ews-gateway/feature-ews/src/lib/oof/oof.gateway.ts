import { Injectable } from '@nestjs/common';
import { type OofSettings, type OofView, oofViewSchema, type Reply, Topics } from '@parley/contracts';
import { CommandBus } from '@parley/messaging';
import { OofReadModel } from './oof-read-model';

/** The owner refused the command (its reply carried an error code). */
export class OofCommandRefused extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'OofCommandRefused';
  }
}

/**
 * OOF lives in calendar-sync. Reads answer from the gateway's read model and fall back to
 * request/reply where it cannot tell yet; writes are commands to calendar-sync, and their reply
 * goes into the model at once (read-your-writes for the caller on this replica).
 */
@Injectable()
export class OofGateway {
  constructor(
    private readonly commands: CommandBus,
    private readonly model: OofReadModel,
  ) {}

  /** The mailbox's view as the read model has it, else calendar-sync's (remembered for next time). */
  async get(mailbox: string): Promise<OofView> {
    const local = this.model.lookup(mailbox);
    if (local !== undefined) return local;
    const view = await this.fetch(mailbox);
    this.model.apply(view);
    return view;
  }

  /** calendar-sync's current view, always asked (for read-modify-write). */
  async fetch(mailbox: string): Promise<OofView> {
    return this.unwrap(await this.commands.request(Topics.oofGetRequest, mailbox, { mailbox }, oofViewSchema));
  }

  async set(mailbox: string, settings: OofSettings): Promise<OofView> {
    const view = this.unwrap(await this.commands.request(Topics.oofSetRequest, mailbox, { mailbox, settings }, oofViewSchema));
    this.model.apply(view);
    return view;
  }

  private unwrap(reply: Reply<OofView>): OofView {
    if (reply.ok) return reply.value;
    throw new OofCommandRefused(reply.error.code, reply.error.message);
  }
}
