import { DynamicModule, Module } from '@nestjs/common';
import { ActingMailboxResolver } from '@parley/ews-gateway/auth';
import { ConvertIdHandler } from './convert-id/convert-id.handler';
import { EwsController } from './ews.controller';
import { EwsExceptionFilter } from './ews-exception.filter';
import { type AnyEwsOperationHandler, EWS_OPERATION_HANDLERS } from './ews-operation';
import { EWS_ENDPOINT_OPTIONS, type EwsEndpointOptions } from './ews-options';
import { EwsRequestService } from './ews-request.service';
import { GetUserOofSettingsHandler } from './oof/get-user-oof-settings.handler';
import { OofModule } from './oof/oof.module';
import { ResolveNamesHandler } from './resolve-names/resolve-names.handler';
import { GetServerTimeZonesHandler } from './time-zones/get-server-time-zones.handler';
import { FindFolderHandler } from './folders/find-folder.handler';
import { FolderIds } from './folders/folder-ids';
import { GetFolderHandler } from './folders/get-folder.handler';
import { MailboxFolders } from './folders/mailbox-folders.service';
import { SetUserOofSettingsHandler } from './oof/set-user-oof-settings.handler';
import { GetUserAvailabilityHandler } from './availability/get-user-availability.handler';
import { CalendarAccess } from './calendar/calendar-access';
import { CreateItemHandler } from './calendar/create-item.handler';
import { DeleteItemHandler } from './calendar/delete-item.handler';
import { FindItemHandler } from './calendar/find-item.handler';
import { GetItemHandler } from './calendar/get-item.handler';
import { UpdateItemHandler } from './calendar/update-item.handler';
import { FindDeletedItemsHandler } from './deleted-items/find-deleted-items.handler';
import { itemOperationRouters } from './items/item-operation.routers';
import { CreateTaskHandler } from './tasks/create-task.handler';
import { DeleteTaskHandler } from './tasks/delete-task.handler';
import { FindTaskHandler } from './tasks/find-task.handler';
import { GetTaskHandler } from './tasks/get-task.handler';
import { TaskAccess } from './tasks/task-access';
import { TaskClient } from './tasks/task.client';
import { UpdateTaskHandler } from './tasks/update-task.handler';
import { CopyItemHandler } from './move-item/copy-item.handler';
import { DeleteMessageHandler } from './messages/delete-message.handler';
import { FindMessageHandler } from './messages/find-message.handler';
import { GetAttachmentHandler } from './messages/get-attachment.handler';
import { GetMessageHandler } from './messages/get-message.handler';
import { MarkAllItemsAsReadHandler } from './messages/mark-all-items-as-read.handler';
import { MessageAccess } from './messages/message-access';
import { UpdateMessageHandler } from './messages/update-message.handler';
import { MoveItemHandler } from './move-item/move-item.handler';
import { GetEventsHandler } from './notifications/get-events.handler';
import { GetStreamingEventsHandler } from './notifications/get-streaming-events.handler';
import { MailboxEventConsumer } from './notifications/mailbox-event.consumer';
import { MailboxEventFeed } from './notifications/mailbox-event.feed';
import { MailboxEventRecorder } from './notifications/mailbox-event.recorder';
import { NotificationRetentionPoller } from './notifications/notification-retention.poller';
import { NotificationSubscriptions } from './notifications/notification-subscriptions.service';
import { PushDestinationPolicy } from './notifications/push-destination.policy';
import { PushDispatcher } from './notifications/push-dispatcher';
import { StreamingHub } from './notifications/streaming-hub';
import { SubscribeHandler } from './notifications/subscribe.handler';
import { UnsubscribeHandler } from './notifications/unsubscribe.handler';
import { SyncFolderHierarchyHandler } from './sync/sync-folder-hierarchy.handler';
import { SyncFolderItemsHandler } from './sync/sync-folder-items.handler';
import { SyncItemSource } from './sync/sync-item.source';
import { SyncStates } from './sync/sync-state';

// CreateItem/GetItem/FindItem/UpdateItem/DeleteItem are answered by the item routers, which hand each
// unit to the calendar, task, message or Deleted Items handlers below (items/item-operation.routers.ts).
const calendarItemHandlers = [CreateItemHandler, FindItemHandler, GetItemHandler, UpdateItemHandler, DeleteItemHandler];
const taskItemHandlers = [CreateTaskHandler, GetTaskHandler, DeleteTaskHandler, UpdateTaskHandler, FindTaskHandler];
const messageItemHandlers = [GetMessageHandler, DeleteMessageHandler, UpdateMessageHandler, FindMessageHandler];
const calendarHandlers = [GetUserAvailabilityHandler, ...itemOperationRouters, MoveItemHandler, CopyItemHandler];
const handlers = [
  GetUserOofSettingsHandler,
  SetUserOofSettingsHandler,
  ConvertIdHandler,
  ResolveNamesHandler,
  GetServerTimeZonesHandler,
  GetFolderHandler,
  FindFolderHandler,
  ...calendarHandlers,
  GetAttachmentHandler,
  MarkAllItemsAsReadHandler,
  SubscribeHandler,
  GetEventsHandler,
  GetStreamingEventsHandler,
  UnsubscribeHandler,
  SyncFolderHierarchyHandler,
  SyncFolderItemsHandler,
];

/**
 * The EWS SOAP endpoint and its operations (needs the process's `AuthModule`, the messaging module,
 * the gateway's `MailboxClientsModule`, whose calendar and message clients it shares with the Graph
 * front, and its data-access module for the notification journal and subscriptions).
 */
@Module({})
export class EwsFeatureModule {
  static forRoot(options: EwsEndpointOptions): DynamicModule {
    return {
      module: EwsFeatureModule,
      imports: [OofModule],
      controllers: [EwsController, MailboxEventConsumer, MailboxEventFeed],
      providers: [
        { provide: EWS_ENDPOINT_OPTIONS, useValue: options },
        ActingMailboxResolver,
        CalendarAccess,
        FolderIds,
        MailboxFolders,
        TaskClient,
        TaskAccess,
        MessageAccess,
        ...calendarItemHandlers,
        ...taskItemHandlers,
        ...messageItemHandlers,
        FindDeletedItemsHandler,
        MailboxEventRecorder,
        NotificationSubscriptions,
        StreamingHub,
        NotificationRetentionPoller,
        SyncStates,
        SyncItemSource,
        {
          provide: PushDestinationPolicy,
          useFactory: (o: EwsEndpointOptions) => new PushDestinationPolicy(o.notifications.push.allowed),
          inject: [EWS_ENDPOINT_OPTIONS],
        },
        PushDispatcher,
        ...handlers,
        { provide: EWS_OPERATION_HANDLERS, useFactory: (...all: AnyEwsOperationHandler[]) => all, inject: handlers },
        EwsRequestService,
        EwsExceptionFilter,
      ],
    };
  }
}
