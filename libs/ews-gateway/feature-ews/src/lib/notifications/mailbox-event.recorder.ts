import { Injectable } from '@nestjs/common';
import { type MailboxEventAppended, Topics } from '@parley/contracts';
import { EwsGatewayDatabase, MailboxEventJournal, type MailboxEventInput } from '@parley/ews-gateway/data-access';
import { StreamingHub } from './streaming-hub';

const CONSUMER = 'ews-gateway.mailbox-event-journal';

/**
 * Turns an owner's change event into journal entries, once per event id: the entries, their
 * announcement to every replica (`ews.mailbox-event.appended.v1`, for streaming connections) and
 * the mailbox's push subscriptions marked due commit in one transaction. After the commit this
 * replica's streaming connections get the entries at once, without waiting for the feed.
 */
@Injectable()
export class MailboxEventRecorder {
  constructor(
    private readonly database: EwsGatewayDatabase,
    private readonly journal: MailboxEventJournal,
    private readonly hub: StreamingHub,
  ) {}

  async record(
    message: { id: string; type: string },
    mailbox: string,
    events: readonly MailboxEventInput[],
  ): Promise<'applied' | 'duplicate'> {
    const outcome = await this.database.unitOfWork.runOnce(CONSUMER, message, async (tx) => {
      const journaled = await this.journal.append(tx.manager, mailbox, events);
      for (const event of journaled) {
        const announced: MailboxEventAppended = {
          mailbox,
          seq: event.seq,
          eventType: event.eventType,
          itemId: event.itemId,
          changeKey: event.changeKey,
          folder: event.folder,
          oldItemId: event.oldItemId,
          oldFolder: event.oldFolder,
          occurredAt: event.occurredAt.toISOString(),
        };
        await tx.publish(Topics.mailboxEventAppended, mailbox, announced);
      }
      await tx.manager.query(
        `UPDATE ews_gateway.notification_subscription SET push_due_at = least(coalesce(push_due_at, now()), now())
         WHERE mailbox = $1 AND kind = 'push'`,
        [mailbox],
      );
      return journaled;
    });
    if (outcome.duplicate) return 'duplicate';
    // This replica's own connections hear of it now; the feed brings it to the others (and again
    // here, where the repeat is dropped by sequence).
    for (const event of outcome.value) this.hub.dispatch(event);
    return 'applied';
  }
}
