import type { CommandErrorCode } from '@parley/contracts';
import { CommandRefusal } from '@parley/messaging';

/** A calendar command that cannot succeed as asked; its code travels in the reply (`replyWith`). */
export class CalendarException extends CommandRefusal {
  constructor(code: CommandErrorCode, message: string) {
    super(code, message);
    this.name = 'CalendarException';
  }
}
