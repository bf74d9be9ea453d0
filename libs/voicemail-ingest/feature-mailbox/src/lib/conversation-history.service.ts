import { Injectable, Logger } from '@nestjs/common';
import { type Envelope, type ImConversationEndedEvent, Topics } from '@parley/contracts';
import {
  composeConversationMail,
  composeMissedConversationMail,
  type ConversationMailContext,
  type Participant,
} from './conversation-history.mime';
import { MailboxDelivery, MailboxDeliveryError } from './mailbox-ports';

/** Lync's item classes: an IM conversation in Conversation History, and the missed-conversation notice. */
export const CONVERSATION_ITEM_CLASS = 'IPM.Note.Microsoft.Conversation';
export const MISSED_CONVERSATION_ITEM_CLASS = 'IPM.Note.Microsoft.Missed';

/** The consumers that claim an event's id (one per item it may file, so each is filed once). */
export const ConversationHistoryConsumers = {
  history: 'im-conversation-history',
  missed: 'im-missed-conversation',
} as const;

/** Display names for the participants (the directory; a spec fixes them). */
export abstract class ParticipantNames {
  /** The user's display name; null when the directory has none. */
  abstract displayNameOf(address: string): Promise<string | null>;
}

export type ConversationFiling = 'filed' | 'duplicate' | 'nothing-to-file' | 'unknown-mailbox';

/**
 * Files an ended IM conversation for one participant (the event's `mailbox`) through the same
 * delivery port as SMTP: the IMs they sent or received as an item in Conversation History (read,
 * as Lync saves it), and the IMs that reached none of their clients as a missed-conversation notice
 * in the Inbox (unread). Each is applied once per event id, in the delivery's own transaction.
 */
@Injectable()
export class ConversationHistoryService {
  private readonly logger = new Logger('ConversationHistory');

  constructor(
    private readonly delivery: MailboxDelivery,
    private readonly names: ParticipantNames,
  ) {}

  async file(event: Envelope<ImConversationEndedEvent>, now = new Date()): Promise<ConversationFiling[]> {
    const { payload } = event;
    const owner = payload.mailbox;
    const history = payload.messages.filter((m) => m.from === owner || (m.to === owner && m.delivered));
    const missed = payload.messages.filter((m) => m.to === owner && !m.delivered);
    if (history.length === 0 && missed.length === 0) return ['nothing-to-file'];
    const otherAddress = payload.participants[0] === owner ? payload.participants[1] : payload.participants[0];
    const context: ConversationMailContext = {
      owner: await this.participant(owner),
      other: await this.participant(otherAddress),
      event: payload,
      eventId: event.id,
      now,
    };
    const outcomes: ConversationFiling[] = [];
    if (history.length > 0) {
      const raw = await composeConversationMail(context, history);
      outcomes.push(await this.deliver(event, raw, ConversationHistoryConsumers.history, 'conversationhistory', CONVERSATION_ITEM_CLASS));
    }
    if (missed.length > 0) {
      const raw = await composeMissedConversationMail(context, missed);
      outcomes.push(await this.deliver(event, raw, ConversationHistoryConsumers.missed, 'inbox', MISSED_CONVERSATION_ITEM_CLASS));
    }
    return outcomes;
  }

  private async deliver(
    event: Envelope<ImConversationEndedEvent>,
    raw: Buffer,
    consumer: string,
    folder: 'conversationhistory' | 'inbox',
    itemClass: string,
  ): Promise<ConversationFiling> {
    try {
      const receipt = await this.delivery.deliver({
        channel: 'im-history',
        envelopeFrom: null,
        recipients: [event.payload.mailbox],
        raw,
        submittedBy: null,
        clientAddress: null,
        placement: { folder, itemClass, isRead: folder === 'conversationhistory' },
        appliedEvent: { consumer, id: event.id, topic: Topics.imConversationEnded },
      });
      return receipt.deliveries.length === 0 ? 'duplicate' : 'filed';
    } catch (error) {
      // A user removed since the conversation: nothing to keep, and no retry would change that.
      if (error instanceof MailboxDeliveryError && error.refusal === 'unknown-recipient') {
        this.logger.warn(`IM conversation ${event.payload.conversationId} not filed: ${event.payload.mailbox} is no mailbox`);
        return 'unknown-mailbox';
      }
      throw error;
    }
  }

  private async participant(address: string): Promise<Participant> {
    return { address, name: (await this.names.displayNameOf(address)) ?? address };
  }
}
