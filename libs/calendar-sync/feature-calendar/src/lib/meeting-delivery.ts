import { Injectable, Logger } from '@nestjs/common';
import { CalendarItemRepository, StoredCalendarItem } from '@parley/calendar-sync/data-access';
import type { Transaction } from '@parley/persistence';
import { announceChange } from './calendar-item-changed';
import { MailboxDirectory } from './mailbox-directory';
import { attendeeCopy, cancelledCopy } from './meeting-copy';

/**
 * Delivers an organizer's meeting to the attendees that are Parley mailboxes, inside the
 * organizer's write transaction: each gets a copy of its own in its calendar (its own random id,
 * its own `calendar.item.changed`), linked to the meeting by its UID. Other attendees stay in the
 * lists but get nothing: Parley has no mail transport for invitations.
 */
@Injectable()
export class MeetingDelivery {
  private readonly logger = new Logger('MeetingDelivery');

  constructor(
    private readonly items: CalendarItemRepository,
    private readonly directory: MailboxDirectory,
  ) {}

  /**
   * Brings every copy in line with the organizer's `meeting`: attendees without a copy get one
   * (unless `inviteNew` is false: a cancelled occurrence invites nobody), copies of attendees no
   * longer listed are cancelled. `moved`: the meeting's time changed, so attendees answer anew.
   */
  async deliver(tx: Transaction, meeting: StoredCalendarItem, options: { moved: boolean; inviteNew: boolean }, now: Date): Promise<void> {
    if (!meeting.meetingUid) return;
    const copies = await this.copiesByMailbox(tx, meeting.meetingUid, meeting.mailbox);
    const attendees = await this.internalAttendees(meeting);
    for (const mailbox of attendees) {
      const previous = copies.get(mailbox) ?? null;
      if (!previous && !options.inviteNew) continue;
      const copy = attendeeCopy(meeting, previous, mailbox, options.moved, now);
      await this.items.save(tx, copy);
      await announceChange(tx, previous ? 'updated' : 'created', copy, null);
    }
    for (const [mailbox, copy] of copies) {
      if (!attendees.has(mailbox)) await this.cancelCopy(tx, copy, now);
    }
  }

  /** The organizer deleted its meeting: every copy is cancelled. */
  async cancel(tx: Transaction, meeting: StoredCalendarItem, now: Date): Promise<void> {
    if (!meeting.meetingUid) return;
    for (const copy of (await this.copiesByMailbox(tx, meeting.meetingUid, meeting.mailbox)).values()) await this.cancelCopy(tx, copy, now);
  }

  private async cancelCopy(tx: Transaction, copy: StoredCalendarItem, now: Date): Promise<void> {
    if (copy.isCancelled) return;
    const cancelled = cancelledCopy(copy, now);
    await this.items.save(tx, cancelled);
    await announceChange(tx, 'updated', cancelled, null);
  }

  private async copiesByMailbox(tx: Transaction, meetingUid: string, organizerMailbox: string): Promise<Map<string, StoredCalendarItem>> {
    const copies = await this.items.findMeetingCopiesForUpdate(tx, meetingUid, organizerMailbox);
    return new Map(copies.map((c) => [c.mailbox, c]));
  }

  /** Required and optional attendees (each once) that are mailboxes in the directory, the organizer aside. */
  private async internalAttendees(meeting: StoredCalendarItem): Promise<Set<string>> {
    const addresses = new Set([...meeting.requiredAttendees, ...meeting.optionalAttendees].map((a) => a.address.toLowerCase()));
    addresses.delete(meeting.mailbox);
    const internal = new Set<string>();
    for (const address of addresses) {
      if (await this.directory.exists(address)) internal.add(address);
      else this.logger.debug(`meeting ${meeting.meetingUid}: ${address} is not a Parley mailbox, nothing delivered`);
    }
    return internal;
  }
}
