import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import {
  type CalendarItemChanged,
  calendarItemChangedSchema,
  type MessageChangedEvent,
  messageChangedEventSchema,
  type TaskChanged,
  taskChangedSchema,
  Topics,
} from '@parley/contracts';
import type { MailboxEventInput, MailboxEventType } from '@parley/ews-gateway/data-access';
import { EnvelopeConsumer } from '@parley/messaging';
import { Metrics } from '@parley/observability';
import { FreeBusyCache } from '../availability/free-busy-cache';
import { MailboxEventRecorder } from './mailbox-event.recorder';

/**
 * The owners' item changes — voicemail-ingest's messages, calendar-sync's calendar items and tasks —
 * consumed by the gateway's service group (one replica per partition) into the mailbox event journal.
 */
@Controller()
export class MailboxEventConsumer {
  constructor(
    private readonly recorder: MailboxEventRecorder,
    private readonly envelopes: EnvelopeConsumer,
    private readonly metrics: Metrics,
    private readonly freeBusy: FreeBusyCache,
  ) {}

  @EventPattern(Topics.mailboxMessageChanged)
  onMessageChanged(@Payload() raw: unknown): Promise<void> {
    return this.envelopes.event(Topics.mailboxMessageChanged, raw, messageChangedEventSchema, async (event) => {
      const outcome = await this.recorder.record(event, event.payload.mailbox, messageEvents(event.payload));
      this.metrics.messagesHandled.inc({ topic: Topics.mailboxMessageChanged, outcome });
    });
  }

  @EventPattern(Topics.calendarItemChanged)
  onCalendarItemChanged(@Payload() raw: unknown): Promise<void> {
    return this.envelopes.event(Topics.calendarItemChanged, raw, calendarItemChangedSchema, async (event) => {
      // The one handler of this topic in the gateway: on the in-process bus it is also how this
      // process's free/busy cache hears of the change (on Kafka each replica's own reader does; a
      // second drop on this replica costs nothing).
      this.freeBusy.invalidate(event.payload.mailbox);
      const outcome = await this.recorder.record(event, event.payload.mailbox, [
        ownedItemEvent(event.payload, 'calendar', new Date(event.occurredAt)),
      ]);
      this.metrics.messagesHandled.inc({ topic: Topics.calendarItemChanged, outcome });
    });
  }

  @EventPattern(Topics.calendarTaskChanged)
  onTaskChanged(@Payload() raw: unknown): Promise<void> {
    return this.envelopes.event(Topics.calendarTaskChanged, raw, taskChangedSchema, async (event) => {
      const outcome = await this.recorder.record(event, event.payload.mailbox, [
        ownedItemEvent(event.payload, 'tasks', new Date(event.occurredAt)),
      ]);
      this.metrics.messagesHandled.inc({ topic: Topics.calendarTaskChanged, outcome });
    });
  }
}

/** A delivery is Created, and NewMail too when it reached the Inbox (as Exchange raises it). */
export function messageEvents(change: MessageChangedEvent): MailboxEventInput[] {
  const base = {
    itemId: change.itemId,
    changeKey: change.changeKey,
    folder: change.folder,
    oldItemId: null,
    oldFolder: null,
    occurredAt: new Date(change.occurredAt),
  };
  switch (change.change) {
    case 'delivered':
      return change.folder === 'inbox'
        ? [
            { ...base, eventType: 'NewMail' },
            { ...base, eventType: 'Created' },
          ]
        : [{ ...base, eventType: 'Created' }];
    case 'modified':
      return [{ ...base, eventType: 'Modified' }];
    case 'moved':
      return [{ ...base, eventType: 'Moved', oldItemId: change.itemId, oldFolder: change.fromFolder }];
    case 'deleted':
      return [{ ...base, eventType: 'Deleted', changeKey: null }];
  }
}

const OWNED_CHANGE: Readonly<Record<CalendarItemChanged['change'], MailboxEventType>> = {
  created: 'Created',
  updated: 'Modified',
  deleted: 'Deleted',
};

/**
 * A calendar item or task change. Its folder is the one the item is in after the change (the
 * Calendar or Tasks folder, or Deleted Items); a deletion names the home folder, since the event
 * does not say where the item was.
 */
export function ownedItemEvent(change: CalendarItemChanged | TaskChanged, home: 'calendar' | 'tasks', occurredAt: Date): MailboxEventInput {
  const view = 'item' in change ? change.item : change.task;
  return {
    eventType: OWNED_CHANGE[change.change],
    itemId: change.itemId,
    changeKey: change.change === 'deleted' ? null : change.changeKey,
    folder: view?.folder ?? home,
    oldItemId: null,
    oldFolder: null,
    occurredAt,
  };
}
