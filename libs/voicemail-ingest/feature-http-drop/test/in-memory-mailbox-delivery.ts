import { Global, Module } from '@nestjs/common';
import {
  type DeliveryReceipt,
  type InboundMail,
  MailboxDelivery,
  MailboxDeliveryError,
  type RecipientCheck,
} from '@parley/voicemail-ingest/feature-mailbox';
import { randomUUID } from 'node:crypto';

/**
 * The mailbox store's delivery port as the HTTP drop sees it, in memory: known mailboxes, full ones,
 * and a failure to hand out once. Stands in for the store (built in parallel) in the drop's specs.
 */
export class InMemoryMailboxDelivery extends MailboxDelivery {
  readonly mailboxes = new Set<string>();
  readonly full = new Set<string>();
  readonly delivered: { mail: InboundMail; receipt: DeliveryReceipt }[] = [];
  /** Thrown by the next `deliver` (then cleared). */
  failNext: Error | undefined;

  async checkRecipient(address: string): Promise<RecipientCheck> {
    const mailbox = address.toLowerCase();
    if (!this.mailboxes.has(mailbox)) return { accepted: false, reason: 'unknown-recipient' };
    if (this.full.has(mailbox)) return { accepted: false, reason: 'over-quota' };
    return { accepted: true, mailbox };
  }

  async deliver(mail: InboundMail): Promise<DeliveryReceipt> {
    const failure = this.failNext;
    this.failNext = undefined;
    if (failure) throw failure;
    const unknown = mail.recipients.filter((r) => !this.mailboxes.has(r));
    if (unknown.length > 0) throw new MailboxDeliveryError('unknown-recipient', 'unknown', unknown);
    const receipt: DeliveryReceipt = {
      deliveries: mail.recipients.map((mailbox) => ({ mailbox, itemId: `item-${randomUUID()}`, voicemail: true })),
    };
    this.delivered.push({ mail, receipt });
    return receipt;
  }

  reset(): void {
    this.mailboxes.clear();
    this.full.clear();
    this.delivered.length = 0;
    this.failNext = undefined;
  }
}

export const inMemoryDelivery = new InMemoryMailboxDelivery();

/** Provides the fake as `MailboxDelivery` (what the store's module will provide). */
@Global()
@Module({ providers: [{ provide: MailboxDelivery, useValue: inMemoryDelivery }], exports: [MailboxDelivery] })
export class InMemoryMailboxStoreModule {}
