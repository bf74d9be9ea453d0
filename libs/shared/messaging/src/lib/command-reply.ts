import type { CommandErrorCode, Reply } from '@parley/contracts';
import { PermanentMessageError } from './dead-letter/message-failure';

/**
 * An owner's domain rule refused a command: the code and message go back to the caller in the
 * reply (see `replyWith`). Module exceptions that refuse extend it. A refusal, so if one ever ends
 * an event's handling the message is dead-lettered at once, not retried.
 */
export class CommandRefusal extends PermanentMessageError {
  constructor(
    readonly code: CommandErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CommandRefusal';
  }
}

/**
 * The owner's side of a command: runs `work` and answers with its value, or with the code and
 * message of a `CommandRefusal` it throws. Anything else propagates (the caller sees no reply and
 * may try again).
 */
export async function replyWith<T>(work: () => Promise<T>): Promise<Reply<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    if (error instanceof CommandRefusal) return { ok: false, error: { code: error.code, message: error.message } };
    throw error;
  }
}
