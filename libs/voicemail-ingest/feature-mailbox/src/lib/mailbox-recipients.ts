/** Which addresses are Parley mailboxes: the shared directory, behind a port the delivery's tests can fix. */
export abstract class MailboxRecipients {
  /** The mailbox (lower-cased address) of an enabled user with that address; null otherwise. */
  abstract mailboxOf(address: string): Promise<string | null>;
}

/** How long a found mailbox is taken as found: long enough to span one SMTP transaction's RCPT and DATA. */
export const RECIPIENT_CACHE_MS = 5000;
const RECIPIENT_CACHE_ENTRIES = 10_000;

/**
 * Remembers found mailboxes for `RECIPIENT_CACHE_MS`, so a delivery checked at RCPT TO does not
 * ask the directory again at DATA. Only hits are kept: a new user receives mail at once, and a
 * disabled or removed one at most `RECIPIENT_CACHE_MS` longer (the directory stays the authority).
 */
export class CachedMailboxRecipients extends MailboxRecipients {
  private readonly found = new Map<string, { mailbox: string; until: number }>();

  constructor(
    private readonly lookup: (address: string) => Promise<string | null>,
    private readonly now: () => number = Date.now,
  ) {
    super();
  }

  async mailboxOf(address: string): Promise<string | null> {
    const cached = this.found.get(address);
    if (cached !== undefined && cached.until > this.now()) return cached.mailbox;
    const mailbox = await this.lookup(address);
    if (mailbox === null) this.found.delete(address);
    else {
      if (this.found.size >= RECIPIENT_CACHE_ENTRIES) this.found.clear();
      this.found.set(address, { mailbox, until: this.now() + RECIPIENT_CACHE_MS });
    }
    return mailbox;
  }
}
