import type { CommandErrorCode } from '@parley/contracts';
import { CommandRefusal } from '@parley/messaging';

/** A mailbox command or query that cannot succeed as asked; its code travels in the reply (`replyWith`). */
export class MailboxException extends CommandRefusal {
  constructor(code: CommandErrorCode, message: string) {
    super(code, message);
    this.name = 'MailboxException';
  }
}
