import { Injectable, Logger } from '@nestjs/common';
import { type Envelope, type ImipReceivedEvent, Topics } from '@parley/contracts';
import { CalendarItemRepository, CalendarSyncDatabase } from '@parley/calendar-sync/data-access';
import { announceChange } from './calendar-item-changed';
import { ImipFormatError, type ImipReply, parseImipReply } from './imip-calendar';
import { isOrganizedHere } from './meeting-copy';
import { withAttendeeResponse } from './meeting-response';

/** What became of an iMIP REPLY (the consumer logs it; only `applied` changed anything). */
export type ImipReplyOutcome =
  'applied' | 'duplicate' | 'unreadable' | 'no-answer' | 'unknown-meeting' | 'not-an-attendee' | 'sender-mismatch';

/**
 * An external attendee's iMIP REPLY, delivered by SMTP to the organizer's mailbox, recorded on the
 * organizer's meeting as the `responseType` of the attendee's entry, as an answer from a Parley
 * attendee is (`withAttendeeResponse`). Only when it fits: the UID names a meeting that mailbox
 * organizes, the ATTENDEE is listed on it, and the mail came from that attendee's address (header
 * From or MAIL FROM). Anything else is logged and ignored: the mail itself is in the Inbox anyway.
 * Applied once per event id, in one transaction with its `calendar.item.changed`.
 */
@Injectable()
export class ImipReplyService {
  private readonly logger = new Logger('ImipReply');

  constructor(
    private readonly db: CalendarSyncDatabase,
    private readonly items: CalendarItemRepository,
  ) {}

  async apply(event: Envelope<ImipReceivedEvent>, now = new Date()): Promise<ImipReplyOutcome> {
    const { payload } = event;
    let reply: ImipReply;
    try {
      reply = parseImipReply(payload.ics);
    } catch (error) {
      if (!(error instanceof ImipFormatError)) throw error;
      this.logger.warn(`iMIP reply to ${payload.mailbox} ignored: ${error.message}`);
      return 'unreadable';
    }
    const outcome = await this.db.unitOfWork.runOnce(
      'calendar-sync.imip-reply',
      { id: event.id, type: Topics.mailboxImipReceived },
      async (tx) => {
        const meeting = await this.items.findOrganizerMeetingForUpdate(tx, reply.uid, payload.mailbox);
        if (!meeting || !isOrganizedHere(meeting)) return 'unknown-meeting' as const;
        const senders = [payload.from, payload.envelopeFrom].flatMap((a) => (a ? [a.trim().toLowerCase()] : []));
        // Anyone can write a REPLY naming any attendee: only the attendee's own address may answer for it.
        if (!senders.includes(reply.attendee)) return 'sender-mismatch' as const;
        if (reply.response === null) return 'no-answer' as const;
        const recorded = withAttendeeResponse(meeting, reply.attendee, reply.response, now);
        if (!recorded) return 'not-an-attendee' as const;
        await this.items.save(tx, recorded);
        await announceChange(tx, 'updated', recorded, null);
        return 'applied' as const;
      },
    );
    const result = outcome.duplicate ? 'duplicate' : outcome.value;
    const detail = `iMIP reply ${reply.partStat} from ${reply.attendee} for meeting ${reply.uid} of ${payload.mailbox}`;
    if (result === 'applied' || result === 'duplicate') this.logger.log(`${detail}: ${result}`);
    else this.logger.warn(`${detail} ignored: ${result}`);
    return result;
  }
}
