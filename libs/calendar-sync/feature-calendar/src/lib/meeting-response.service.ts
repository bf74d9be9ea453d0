import { Injectable } from '@nestjs/common';
import { CalendarItemView, CommandErrorCodes, RespondToMeetingRequest, Topics } from '@parley/contracts';
import { CalendarItemRepository, CalendarSyncDatabase, StoredCalendarItem } from '@parley/calendar-sync/data-access';
import type { Transaction } from '@parley/persistence';
import { announceChange } from './calendar-item-changed';
import { decodeItemId } from './calendar-item-id';
import { itemView } from './calendar-item.mapper';
import { CalendarException } from './calendar.exception';
import { answerChange, answeredCopy, assertAnswerable, withAttendeeResponse } from './meeting-response';

function notFound(): CalendarException {
  return new CalendarException(CommandErrorCodes.itemNotFound, 'The calendar item does not exist in this mailbox.');
}

/**
 * An attendee answers a meeting on its copy (Accept / Tentative / Decline), and unless SaveOnly
 * the organizer's item records the answer: both in one transaction, applied once per command id.
 */
@Injectable()
export class MeetingResponseService {
  constructor(
    private readonly db: CalendarSyncDatabase,
    private readonly items: CalendarItemRepository,
  ) {}

  async respond(commandId: string, req: RespondToMeetingRequest, now = new Date()): Promise<CalendarItemView> {
    const key = this.copyKey(req);
    const outcome = await this.db.unitOfWork.runOnce(
      'calendar-sync.meeting-respond',
      { id: commandId, type: Topics.calendarItemRespondRequest },
      async (tx) => {
        const meeting = req.messageDisposition === 'SaveOnly' ? null : await this.lockOrganizerMeeting(tx, req.mailbox, key);
        const copy = await this.items.findForUpdate(tx, req.mailbox, key);
        if (!copy) throw notFound();
        assertAnswerable(copy);
        const answered = answeredCopy(copy, req.response, now);
        await this.items.save(tx, answered);
        await announceChange(tx, answerChange(copy, answered), answered, null);
        const recorded = meeting && withAttendeeResponse(meeting, copy.mailbox, req.response, now);
        if (recorded) {
          await this.items.save(tx, recorded);
          await announceChange(tx, 'updated', recorded, null);
        }
        return itemView(answered);
      },
    );
    if (!outcome.duplicate) return outcome.value;
    const current = await this.items.find(req.mailbox, key);
    if (!current) throw notFound();
    return itemView(current);
  }

  /** The copy's key; an occurrence id is refused (answers apply to the whole meeting here). */
  private copyKey(req: RespondToMeetingRequest): string {
    const id = decodeItemId(req.mailbox, req.itemId);
    if (!id) throw notFound();
    if (id.kind === 'occurrence')
      throw new CalendarException(CommandErrorCodes.invalidOperation, 'Parley records answers to a whole meeting, not to one occurrence.');
    return id.key;
  }

  /**
   * Locks the organizer's item before the copy: the organizer's writes lock their item and then
   * the copies, so taking them in the same order keeps the two from deadlocking.
   */
  private async lockOrganizerMeeting(tx: Transaction, mailbox: string, key: string): Promise<StoredCalendarItem | null> {
    const copy = await this.items.find(mailbox, key);
    if (!copy?.meetingUid || copy.organizer.address === mailbox) return null;
    return this.items.findOrganizerMeetingForUpdate(tx, copy.meetingUid, copy.organizer.address);
  }
}
