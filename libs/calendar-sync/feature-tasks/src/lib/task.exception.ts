import { CommandRefusal } from '@parley/messaging';

/** A task command that cannot succeed as asked; its code travels in the reply (`replyWith`). */
export class TaskException extends CommandRefusal {
  constructor(...args: ConstructorParameters<typeof CommandRefusal>) {
    super(...args);
    this.name = 'TaskException';
  }
}
