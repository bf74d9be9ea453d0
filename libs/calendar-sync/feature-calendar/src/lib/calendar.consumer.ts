import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  CalendarItemView,
  createCalendarItemRequestSchema,
  DeleteCalendarItemReply,
  deleteCalendarItemRequestSchema,
  FindCalendarItemsReply,
  findCalendarItemsRequestSchema,
  FindDeletedCalendarItemsReply,
  findDeletedCalendarItemsRequestSchema,
  FreeBusyReply,
  freeBusyRequestSchema,
  getCalendarItemRequestSchema,
  moveCalendarItemRequestSchema,
  Reply,
  Topics,
  updateCalendarItemRequestSchema,
} from '@parley/contracts';
import { EnvelopeConsumer, replyWith } from '@parley/messaging';
import { CalendarService } from './calendar.service';

/** Bus handlers for calendar commands: validate, call the service, reply. */
@Controller()
export class CalendarConsumer {
  constructor(
    private readonly calendar: CalendarService,
    private readonly consumer: EnvelopeConsumer,
  ) {}

  @MessagePattern(Topics.calendarItemCreateRequest)
  create(@Payload() raw: unknown): Promise<Reply<CalendarItemView>> {
    return this.consumer.command(Topics.calendarItemCreateRequest, raw, createCalendarItemRequestSchema, (cmd) =>
      replyWith(() => this.calendar.create(cmd.id, cmd.payload.mailbox, cmd.payload.item, cmd.payload.sendMeetingInvitations)),
    );
  }

  @MessagePattern(Topics.calendarItemUpdateRequest)
  update(@Payload() raw: unknown): Promise<Reply<CalendarItemView>> {
    return this.consumer.command(Topics.calendarItemUpdateRequest, raw, updateCalendarItemRequestSchema, (cmd) =>
      replyWith(() => this.calendar.update(cmd.id, cmd.payload)),
    );
  }

  @MessagePattern(Topics.calendarItemDeleteRequest)
  delete(@Payload() raw: unknown): Promise<Reply<DeleteCalendarItemReply>> {
    return this.consumer.command(Topics.calendarItemDeleteRequest, raw, deleteCalendarItemRequestSchema, (cmd) =>
      replyWith(() => this.calendar.delete(cmd.id, cmd.payload)),
    );
  }

  @MessagePattern(Topics.calendarItemMoveRequest)
  move(@Payload() raw: unknown): Promise<Reply<CalendarItemView>> {
    return this.consumer.command(Topics.calendarItemMoveRequest, raw, moveCalendarItemRequestSchema, (cmd) =>
      replyWith(() => this.calendar.move(cmd.id, cmd.payload)),
    );
  }

  @MessagePattern(Topics.calendarItemGetRequest)
  get(@Payload() raw: unknown): Promise<Reply<CalendarItemView>> {
    return this.consumer.command(Topics.calendarItemGetRequest, raw, getCalendarItemRequestSchema, (q) =>
      replyWith(() => this.calendar.get(q.payload)),
    );
  }

  @MessagePattern(Topics.calendarItemFindRequest)
  find(@Payload() raw: unknown): Promise<Reply<FindCalendarItemsReply>> {
    return this.consumer.command(Topics.calendarItemFindRequest, raw, findCalendarItemsRequestSchema, (q) =>
      replyWith(() => this.calendar.find(q.payload)),
    );
  }

  @MessagePattern(Topics.calendarFreeBusyGetRequest)
  freeBusy(@Payload() raw: unknown): Promise<Reply<FreeBusyReply>> {
    return this.consumer.command(Topics.calendarFreeBusyGetRequest, raw, freeBusyRequestSchema, (q) =>
      replyWith(() => this.calendar.freeBusy(q.payload)),
    );
  }

  @MessagePattern(Topics.calendarItemFindDeletedRequest)
  findDeleted(@Payload() raw: unknown): Promise<Reply<FindDeletedCalendarItemsReply>> {
    return this.consumer.command(Topics.calendarItemFindDeletedRequest, raw, findDeletedCalendarItemsRequestSchema, (q) =>
      replyWith(() => this.calendar.findDeleted(q.payload)),
    );
  }
}
