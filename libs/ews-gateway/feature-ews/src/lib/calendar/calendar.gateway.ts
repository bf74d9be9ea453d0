import { Injectable } from '@nestjs/common';
import {
  type CalendarItemInput,
  type CalendarItemTarget,
  type CalendarItemView,
  type DeleteCalendarItemReply,
  type FindCalendarItemsReply,
  type FreeBusyReply,
  type FreeBusyRequest,
  type Reply,
  Topics,
  type UpdateCalendarItemRequest,
} from '@parley/contracts';
import { CommandBus } from '@parley/messaging';

/** calendar-sync refused the command (its reply carried an error code, e.g. `ItemNotFound`). */
export class CalendarCommandRefused extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'CalendarCommandRefused';
  }
}

export type CalendarUpdate = Omit<UpdateCalendarItemRequest, 'mailbox' | 'conflictResolution' | 'set' | 'delete'> &
  Partial<Pick<UpdateCalendarItemRequest, 'conflictResolution' | 'set' | 'delete'>>;

/** Calendars live in calendar-sync; the gateway reaches them by request/reply on the bus. */
@Injectable()
export class CalendarGateway {
  constructor(private readonly commands: CommandBus) {}

  async create(mailbox: string, item: CalendarItemInput): Promise<CalendarItemView> {
    return unwrap(await this.commands.request<CalendarItemView>(Topics.calendarItemCreateRequest, mailbox, { mailbox, item }));
  }

  async update(mailbox: string, update: CalendarUpdate): Promise<CalendarItemView> {
    return unwrap(await this.commands.request<CalendarItemView>(Topics.calendarItemUpdateRequest, mailbox, { mailbox, ...update }));
  }

  async delete(mailbox: string, itemId: string): Promise<DeleteCalendarItemReply> {
    return unwrap(await this.commands.request<DeleteCalendarItemReply>(Topics.calendarItemDeleteRequest, mailbox, { mailbox, itemId }));
  }

  async get(mailbox: string, target: CalendarItemTarget): Promise<CalendarItemView> {
    return unwrap(await this.commands.request<CalendarItemView>(Topics.calendarItemGetRequest, mailbox, { mailbox, target }));
  }

  async find(mailbox: string, start: string, end: string, maxEntries: number | undefined): Promise<FindCalendarItemsReply> {
    return unwrap(await this.commands.request<FindCalendarItemsReply>(Topics.calendarItemFindRequest, mailbox, { mailbox, start, end, maxEntries }));
  }

  /** Keyed by the requester: one command answers for every mailbox of the request. */
  async freeBusy(request: FreeBusyRequest): Promise<FreeBusyReply> {
    const key = request.requester ?? request.mailboxes[0];
    return unwrap(await this.commands.request<FreeBusyReply>(Topics.calendarFreeBusyGetRequest, key, request));
  }
}

function unwrap<T>(reply: Reply<T>): T {
  if (reply.ok) return reply.value;
  throw new CalendarCommandRefused(reply.error.code, reply.error.message);
}
