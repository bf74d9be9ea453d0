import { CalendarErrorCode, CalendarErrorCodes, type Reply } from '@parley/contracts';
import { PermanentMessageError } from '@parley/messaging';

export { CalendarErrorCodes };

/**
 * A calendar command that cannot succeed as asked; its code travels in the reply. A refusal, so
 * if one ever ends an event's handling the message is dead-lettered at once, not retried.
 */
export class CalendarException extends PermanentMessageError {
  constructor(
    readonly code: CalendarErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CalendarException';
  }
}

/** A calendar rule refused the command: answer with its code. Anything else propagates (retry). */
export async function replyWith<T>(work: () => Promise<T>): Promise<Reply<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    if (error instanceof CalendarException) return { ok: false, error: { code: error.code, message: error.message } };
    throw error;
  }
}
