/** An operator's request about a dead letter that cannot be done; the CLI prints the message. */
export class DeadLetterError extends Error {
  constructor(
    readonly code: 'NoSuchDeadLetter' | 'ReplayPending' | 'AlreadyReplayed',
    message: string,
  ) {
    super(message);
    this.name = 'DeadLetterError';
  }
}
