import { CommandRefusal } from '@parley/messaging';

/** A calendar command that cannot succeed as asked; its code travels in the reply (`replyWith`). */
export class CalendarException extends CommandRefusal {
  constructor(...args: ConstructorParameters<typeof CommandRefusal>) {
    super(...args);
    this.name = 'CalendarException';
  }
}
