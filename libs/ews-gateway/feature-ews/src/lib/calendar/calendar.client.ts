import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  type CalendarItemInput,
  type CalendarItemTarget,
  type CalendarItemView,
  calendarItemViewSchema,
  type DeleteCalendarItemReply,
  deleteCalendarItemReplySchema,
  type Disposal,
  type FindDeletedCalendarItemsReply,
  findDeletedCalendarItemsReplySchema,
  type FindCalendarItemsReply,
  findCalendarItemsReplySchema,
  type FolderCountsReply,
  folderCountsReplySchema,
  type FreeBusyReply,
  freeBusyReplySchema,
  type FreeBusyRequest,
  type MeetingSendMode,
  type MeetingResponse,
  type MessageDisposition,
  respondToMeetingReplySchema,
  type MoveCalendarItemRequest,
  Topics,
  type UpdateCalendarItemRequest,
} from '@parley/contracts';
import { CommandBus } from '@parley/messaging';
import { FreeBusyCache } from '../availability/free-busy-cache';

export type CalendarUpdate = Omit<
  UpdateCalendarItemRequest,
  'mailbox' | 'conflictResolution' | 'set' | 'delete' | 'sendMeetingInvitationsOrCancellations'
> &
  Partial<Pick<UpdateCalendarItemRequest, 'conflictResolution' | 'set' | 'delete' | 'sendMeetingInvitationsOrCancellations'>>;

/**
 * Calendars live in calendar-sync; the gateway reaches them by request/reply on the bus. Every reply
 * is checked against its contract schema by `CommandBus.request` (`InvalidReplyError` otherwise);
 * a refusal is `CommandRefusedError` (see `calendarErrorMessage`). Writes drop the mailbox's cached
 * free/busy on this replica.
 */
@Injectable()
export class CalendarClient {
  constructor(
    private readonly commands: CommandBus,
    private readonly freeBusyCache: FreeBusyCache,
  ) {}

  /** Unless SendToNone, calendar-sync also places the meeting on the attendees' calendars it holds. */
  async create(
    mailbox: string,
    item: CalendarItemInput,
    sendMeetingInvitations: MeetingSendMode = 'SendToNone',
  ): Promise<CalendarItemView> {
    return this.writeInvalidatingFreeBusy(
      mailbox,
      this.commands.request(Topics.calendarItemCreateRequest, mailbox, { mailbox, item, sendMeetingInvitations }, calendarItemViewSchema),
    );
  }

  async update(mailbox: string, update: CalendarUpdate): Promise<CalendarItemView> {
    return this.writeInvalidatingFreeBusy(
      mailbox,
      this.commands.request(Topics.calendarItemUpdateRequest, mailbox, { mailbox, ...update }, calendarItemViewSchema),
    );
  }

  async delete(
    mailbox: string,
    itemId: string,
    disposal: Disposal = 'HardDelete',
    sendMeetingCancellations: MeetingSendMode = 'SendToNone',
  ): Promise<DeleteCalendarItemReply> {
    return this.writeInvalidatingFreeBusy(
      mailbox,
      this.commands.request(
        Topics.calendarItemDeleteRequest,
        mailbox,
        { mailbox, itemId, disposal, sendMeetingCancellations },
        deleteCalendarItemReplySchema,
      ),
    );
  }

  /** MoveItem: a single item or series between the Calendar and Deleted Items (an occurrence id is refused with `InvalidOperation`). */
  async move(mailbox: string, itemId: string, to: MoveCalendarItemRequest['to']): Promise<CalendarItemView> {
    return this.writeInvalidatingFreeBusy(
      mailbox,
      this.commands.request(Topics.calendarItemMoveRequest, mailbox, { mailbox, itemId, to }, calendarItemViewSchema),
    );
  }

  /** The attendee answers a meeting on its copy; unless SaveOnly, the organizer's item records the answer. */
  async respond(
    mailbox: string,
    itemId: string,
    response: MeetingResponse,
    messageDisposition: MessageDisposition,
  ): Promise<CalendarItemView> {
    return this.writeInvalidatingFreeBusy(
      mailbox,
      this.commands.request(
        Topics.calendarItemRespondRequest,
        mailbox,
        { mailbox, itemId, response, messageDisposition },
        respondToMeetingReplySchema,
      ),
    );
  }

  async get(mailbox: string, target: CalendarItemTarget): Promise<CalendarItemView> {
    return this.commands.request(Topics.calendarItemGetRequest, mailbox, { mailbox, target }, calendarItemViewSchema);
  }

  async find(mailbox: string, start: string, end: string, maxEntries: number | undefined): Promise<FindCalendarItemsReply> {
    return this.commands.request(
      Topics.calendarItemFindRequest,
      mailbox,
      { mailbox, start, end, maxEntries },
      findCalendarItemsReplySchema,
    );
  }

  /** The calendar items in the mailbox's Deleted Items (or Calendar), `maxEntries` (0: only the total) from `offset`. */
  async findDeleted(
    mailbox: string,
    offset: number,
    maxEntries: number,
    folder: 'calendar' | 'deleteditems' = 'deleteditems',
  ): Promise<FindDeletedCalendarItemsReply> {
    return this.commands.request(
      Topics.calendarItemFindDeletedRequest,
      mailbox,
      { mailbox, folder, offset, maxEntries },
      findDeletedCalendarItemsReplySchema,
    );
  }

  /**
   * How many items the mailbox's Calendar and Tasks folders hold (GetFolder / FindFolder
   * `TotalCount`). Keyed by the mailbox, so it is answered after this caller's earlier writes.
   */
  async folderCounts(mailbox: string): Promise<FolderCountsReply> {
    return this.commands.request(Topics.calendarFolderCountsGetRequest, mailbox, { mailbox }, folderCountsReplySchema);
  }

  /**
   * One command answers for every mailbox of the request. A read needs no per-mailbox order, so
   * each query gets a key of its own: queries for one busy mailbox spread over partitions and are
   * answered concurrently instead of queueing behind each other on the mailbox's partition.
   */
  async freeBusy(request: FreeBusyRequest): Promise<FreeBusyReply> {
    const ticket = this.freeBusyCache.ticket(request);
    const cached = this.freeBusyCache.get(ticket);
    if (cached !== undefined) return cached;
    const reply = await this.commands.request(Topics.calendarFreeBusyGetRequest, randomUUID(), request, freeBusyReplySchema);
    this.freeBusyCache.put(ticket, request, reply);
    return reply;
  }

  /**
   * Runs a write and then drops the mailbox's cached free/busy on this replica at once
   * (read-your-writes), not only when the change event arrives; also after a refusal or timeout,
   * as the write may have been applied all the same.
   */
  private async writeInvalidatingFreeBusy<T>(mailbox: string, write: Promise<T>): Promise<T> {
    try {
      return await write;
    } finally {
      this.freeBusyCache.invalidate(mailbox);
    }
  }
}
