import { Injectable } from '@nestjs/common';
import { type MailboxEventAppended, Topics } from '@parley/contracts';
import { EwsGatewayDatabase, MailboxEventJournal, type MailboxEventInput } from '@parley/ews-gateway/data-access';
import { PendingOutbox } from '@parley/persistence';
import { PushDispatcher } from './push-dispatcher';
import { StreamingHub } from './streaming-hub';

const CONSUMER = 'ews-gateway.mailbox-event-journal';

/**
 * Turns an owner's change event into journal entries, once per event id: the entries, their
 * announcement to every replica (`ews.mailbox-event.appended.v1`, for streaming connections) and
 * the mailbox's push subscriptions marked due commit in one transaction (three statements: the
 * claim of the event id, the journal's append, the outbox). After the commit this
 * replica's streaming connections get the entries at once, without waiting for the feed, and its
 * push dispatcher looks at once if a push subscription was marked.
 */
@Injectable()
export class MailboxEventRecorder {
  constructor(
    private readonly database: EwsGatewayDatabase,
    private readonly journal: MailboxEventJournal,
    private readonly hub: StreamingHub,
    private readonly push: PushDispatcher,
  ) {}

  async record(
    message: { id: string; type: string },
    mailbox: string,
    events: readonly MailboxEventInput[],
  ): Promise<'applied' | 'duplicate'> {
    const outcome = await this.database.unitOfWork.runOnce(CONSUMER, message, async (tx) => {
      const { events: journaled, pushMarked } = await this.journal.append(tx.manager, mailbox, events);
      // One INSERT for the announcements, however many entries.
      const outbox = new PendingOutbox();
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
        await outbox.publish(Topics.mailboxEventAppended, mailbox, announced);
      }
      await outbox.flush(tx);
      return { journaled, pushMarked };
    });
    if (outcome.duplicate) return 'duplicate';
    // This replica's push dispatcher sends at once; the other replicas' would find the rows within their poll.
    if (outcome.value.pushMarked > 0) this.push.nudge();
    // This replica's own connections hear of it now; the feed brings it to the others (and again
    // here, where the repeat is dropped by sequence).
    for (const event of outcome.value.journaled) this.hub.dispatch(event);
    return 'applied';
  }
}
