import { Injectable } from '@nestjs/common';
import { type OofSettings, type OofView, type Reply, Topics } from '@parley/contracts';
import { CommandBus } from '@parley/messaging';

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

/** OOF lives in calendar-sync; the gateway reaches it by request/reply on the bus. */
@Injectable()
export class OofGateway {
  constructor(private readonly commands: CommandBus) {}

  async get(mailbox: string): Promise<OofView> {
    return this.unwrap(await this.commands.request<OofView>(Topics.oofGetRequest, mailbox, { mailbox }));
  }

  async set(mailbox: string, settings: OofSettings): Promise<OofView> {
    return this.unwrap(await this.commands.request<OofView>(Topics.oofSetRequest, mailbox, { mailbox, settings }));
  }

  private unwrap(reply: Reply<OofView>): OofView {
    if (reply.ok) return reply.value;
    throw new OofCommandRefused(reply.error.code, reply.error.message);
  }
}
