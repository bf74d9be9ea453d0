import { TaskErrorCode, TaskErrorCodes } from '@parley/contracts';

export { TaskErrorCodes };

/** A task command that cannot succeed as asked; its code travels in the reply. */
export class TaskException extends Error {
  constructor(
    readonly code: TaskErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'TaskException';
  }
}
