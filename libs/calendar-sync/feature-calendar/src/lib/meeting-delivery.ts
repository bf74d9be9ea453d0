import { Injectable, Logger } from '@nestjs/common';
import { type ImipOutgoingEvent, type ImipOutgoingMethod, Topics } from '@parley/contracts';
import { CalendarItemRepository, StoredCalendarItem } from '@parley/calendar-sync/data-access';
import type { Transaction } from '@parley/persistence';
import { announceChange } from './calendar-item-changed';
import { imipSequence, renderImip } from './imip-calendar';
import { MailboxDirectory } from './mailbox-directory';
import { attendeeCopy, cancelledCopy } from './meeting-copy';

/**
 * Delivers an organizer's meeting to its attendees, inside the organizer's write transaction.
 * Attendees that are Parley mailboxes get a copy of their own in their calendar (its own random
 * id, its own `calendar.item.changed`), linked to the meeting by its UID. The others get iMIP mail
 * (RFC 6047): the iCalendar REQUEST or CANCEL is rendered here and published on
 * `calendar.imip.outgoing.v1` through the outbox; voicemail-ingest mails it through its outbound queue.
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
   * External attendees get the meeting as an iMIP REQUEST; those listed in `previous` (the item
   * before an update) and no longer get a CANCEL.
   */
  async deliver(
    tx: Transaction,
    meeting: StoredCalendarItem,
    options: { moved: boolean; inviteNew: boolean; previous?: StoredCalendarItem | null },
    now: Date,
  ): Promise<void> {
    if (!meeting.meetingUid) return;
    const copies = await this.copiesByMailbox(tx, meeting.meetingUid, meeting.mailbox);
    const { internal, external } = await this.attendeesOf(meeting);
    for (const mailbox of internal) {
      const previous = copies.get(mailbox) ?? null;
      if (!previous && !options.inviteNew) continue;
      const copy = attendeeCopy(meeting, previous, mailbox, options.moved, now);
      await this.items.save(tx, copy);
      await announceChange(tx, previous ? 'updated' : 'created', copy, null);
    }
    for (const [mailbox, copy] of copies) {
      if (!internal.has(mailbox)) await this.cancelCopy(tx, copy, now);
    }
    if (external.size > 0) await this.mail(tx, meeting, 'REQUEST', [...external], now);
    if (options.previous) {
      const removed = [...(await this.attendeesOf(options.previous)).external].filter((a) => !external.has(a));
      if (removed.length > 0) await this.mail(tx, meeting, 'CANCEL', removed, now);
    }
  }

  /** The organizer deleted its meeting: every copy is cancelled, external attendees get a CANCEL. */
  async cancel(tx: Transaction, meeting: StoredCalendarItem, now: Date): Promise<void> {
    if (!meeting.meetingUid) return;
    for (const copy of (await this.copiesByMailbox(tx, meeting.meetingUid, meeting.mailbox)).values()) await this.cancelCopy(tx, copy, now);
    const { external } = await this.attendeesOf(meeting);
    // The deletion is a write of its own: its SEQUENCE is above the last REQUEST's.
    if (external.size > 0) await this.mail(tx, { ...meeting, revision: meeting.revision + 1 }, 'CANCEL', [...external], now);
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

  /** Publishes the iMIP message for `recipients` through the outbox (keyed by the organizer's mailbox). */
  private async mail(
    tx: Transaction,
    meeting: StoredCalendarItem,
    method: ImipOutgoingMethod,
    recipients: string[],
    now: Date,
  ): Promise<void> {
    const event: ImipOutgoingEvent = {
      organizer: meeting.mailbox,
      organizerName: meeting.organizer.name ?? null,
      method,
      uid: meeting.meetingUid ?? '',
      sequence: imipSequence(meeting),
      recipients,
      // Exchange's subject for a cancellation.
      subject: method === 'CANCEL' ? `Canceled: ${meeting.subject}` : meeting.subject,
      ics: renderImip(meeting, method, now, method === 'CANCEL' ? recipients : []),
    };
    await tx.publish(Topics.calendarImipOutgoing, meeting.mailbox, event);
    this.logger.log(
      `meeting ${meeting.meetingUid}: iMIP ${method} (sequence ${event.sequence}) for ${recipients.length} external attendee(s)`,
    );
  }

  /** Required and optional attendees (each once), the organizer aside: Parley mailboxes (the directory) and the others. */
  private async attendeesOf(meeting: StoredCalendarItem): Promise<{ internal: Set<string>; external: Set<string> }> {
    const addresses = new Set([...meeting.requiredAttendees, ...meeting.optionalAttendees].map((a) => a.address.toLowerCase()));
    addresses.delete(meeting.mailbox);
    const internal = new Set<string>();
    const external = new Set<string>();
    for (const address of addresses) {
      if (await this.directory.exists(address)) internal.add(address);
      else external.add(address);
    }
    return { internal, external };
  }
}
