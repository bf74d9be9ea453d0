import {
  type DeliveryReceipt,
  type InboundMail,
  MailboxDelivery,
  MailboxDeliveryError,
  type RecipientCheck,
} from '@parley/voicemail-ingest/feature-mailbox';
import { randomUUID } from 'node:crypto';

/** A stand-in for the mailbox store in the SMTP front's tests: mailboxes with quotas, kept in memory. */
export class InMemoryMailboxDelivery extends MailboxDelivery {
  readonly delivered: InboundMail[] = [];
  private readonly quotas = new Map<string, { used: number; limit: number | null }>();
  /** Set to make the next `deliver` calls fail (or wait) the way a store might. */
  nextDelivery: ((mail: InboundMail) => Promise<void>) | undefined;

  /** Each mailbox with the octets it may still take (null: unlimited; 0: already full). */
  constructor(mailboxes: Record<string, number | null>) {
    super();
    for (const [address, limit] of Object.entries(mailboxes)) this.quotas.set(address.toLowerCase(), { used: 0, limit });
  }

  async checkRecipient(address: string, size: number): Promise<RecipientCheck> {
    const quota = this.quotas.get(address.toLowerCase());
    if (!quota) return { accepted: false, reason: 'unknown-recipient' };
    if (quota.limit !== null && (quota.used >= quota.limit || quota.used + size > quota.limit))
      return { accepted: false, reason: 'over-quota' };
    return { accepted: true, mailbox: address.toLowerCase() };
  }

  async deliver(mail: InboundMail): Promise<DeliveryReceipt> {
    if (this.nextDelivery) await this.nextDelivery(mail);
    for (const recipient of mail.recipients) {
      const quota = this.quotas.get(recipient);
      if (!quota) throw new MailboxDeliveryError('unknown-recipient', `no mailbox ${recipient}`, [recipient]);
      if (quota.limit !== null && quota.used + mail.raw.length > quota.limit) {
        throw new MailboxDeliveryError('over-quota', `${recipient} is full`, [recipient]);
      }
    }
    for (const recipient of mail.recipients) (this.quotas.get(recipient) as { used: number }).used += mail.raw.length;
    this.delivered.push(mail);
    return { deliveries: mail.recipients.map((mailbox) => ({ mailbox, itemId: randomUUID(), voicemail: false })) };
  }
}
