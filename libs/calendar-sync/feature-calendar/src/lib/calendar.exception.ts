import { CalendarErrorCode, CalendarErrorCodes, type Reply } from '@parley/contracts';

export { CalendarErrorCodes };

/** A calendar command that cannot succeed as asked; its code travels in the reply. */
export class CalendarException extends Error {
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
