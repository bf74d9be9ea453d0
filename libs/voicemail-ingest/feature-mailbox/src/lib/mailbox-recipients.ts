/** Which addresses are Parley mailboxes: the shared directory, behind a port the delivery's tests can fix. */
export abstract class MailboxRecipients {
  /** The mailbox (lower-cased address) of an enabled user with that address; null otherwise. */
  abstract mailboxOf(address: string): Promise<string | null>;
}
