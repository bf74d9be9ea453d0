/** Which mailboxes exist (free/busy answers MailboxNotFound for the others). */
export abstract class MailboxDirectory {
  abstract exists(mailbox: string): Promise<boolean>;
}
