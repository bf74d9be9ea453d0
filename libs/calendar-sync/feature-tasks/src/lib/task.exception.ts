import { TaskErrorCode, TaskErrorCodes } from '@parley/contracts';
import { PermanentMessageError } from '@parley/messaging';

export { TaskErrorCodes };

/**
 * A task command that cannot succeed as asked; its code travels in the reply. A refusal, so
 * if one ever ends an event's handling the message is dead-lettered at once, not retried.
 */
export class TaskException extends PermanentMessageError {
  constructor(
    readonly code: TaskErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'TaskException';
  }
}
