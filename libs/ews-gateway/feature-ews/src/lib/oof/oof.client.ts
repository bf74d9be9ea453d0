import { Injectable } from '@nestjs/common';
import { type OofSettings, type OofView, oofViewSchema, Topics } from '@parley/contracts';
import { CommandBus } from '@parley/messaging';
import { OofReadModel } from './oof-read-model';

/**
 * OOF lives in calendar-sync. Reads answer from the gateway's read model and fall back to
 * request/reply where it cannot tell yet; writes are commands to calendar-sync, and their reply
 * goes into the model at once (read-your-writes for the caller on this replica). A refusal is
 * `CommandRefusedError` (see `oofErrorMessage`).
 */
@Injectable()
export class OofClient {
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
    return this.commands.request(Topics.oofGetRequest, mailbox, { mailbox }, oofViewSchema);
  }

  async set(mailbox: string, settings: OofSettings): Promise<OofView> {
    const view = await this.commands.request(Topics.oofSetRequest, mailbox, { mailbox, settings }, oofViewSchema);
    this.model.apply(view);
    return view;
  }
}
