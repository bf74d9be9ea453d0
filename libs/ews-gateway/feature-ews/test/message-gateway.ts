import type { Authenticator } from '@parley/auth';
import type { DirectoryUser } from '@parley/directory';
import { ActingMailboxResolver } from '@parley/ews-gateway/auth';
import type { CommandBus } from '@parley/messaging';
import { ClientAddressResolver } from '@parley/sign-in';
import { FreeBusyCache } from '../src/lib/availability/free-busy-cache';
import { CalendarAccess } from '../src/lib/calendar/calendar-access';
import { CalendarClient } from '../src/lib/calendar/calendar.client';
import { DeleteItemHandler } from '../src/lib/calendar/delete-item.handler';
import { FindItemHandler } from '../src/lib/calendar/find-item.handler';
import { GetItemHandler } from '../src/lib/calendar/get-item.handler';
import { UpdateItemHandler } from '../src/lib/calendar/update-item.handler';
import { FindDeletedItemsHandler } from '../src/lib/deleted-items/find-deleted-items.handler';
import type { EwsOperationHandler } from '../src/lib/ews-operation';
import { EwsRequestService } from '../src/lib/ews-request.service';
import { FindFolderHandler } from '../src/lib/folders/find-folder.handler';
import { FolderIds } from '../src/lib/folders/folder-ids';
import { GetFolderHandler } from '../src/lib/folders/get-folder.handler';
import { MailboxFolders } from '../src/lib/folders/mailbox-folders.service';
import { DeleteItemRouter, FindItemRouter, GetItemRouter, UpdateItemRouter } from '../src/lib/items/item-operation.routers';
import { CreateMessageHandler } from '../src/lib/messages/create-message.handler';
import { DeleteMessageHandler } from '../src/lib/messages/delete-message.handler';
import { FindMessageHandler } from '../src/lib/messages/find-message.handler';
import { GetAttachmentHandler } from '../src/lib/messages/get-attachment.handler';
import { GetMessageHandler } from '../src/lib/messages/get-message.handler';
import { MarkAllItemsAsReadHandler } from '../src/lib/messages/mark-all-items-as-read.handler';
import { MessageAccess } from '../src/lib/messages/message-access';
import { MessageClient } from '../src/lib/messages/message.client';
import { SendItemHandler } from '../src/lib/messages/send-item.handler';
import { UpdateMessageHandler } from '../src/lib/messages/update-message.handler';
import { MoveItemHandler } from '../src/lib/move-item/move-item.handler';
import { DeleteTaskHandler } from '../src/lib/tasks/delete-task.handler';
import { FindTaskHandler } from '../src/lib/tasks/find-task.handler';
import { GetTaskHandler } from '../src/lib/tasks/get-task.handler';
import { TaskAccess } from '../src/lib/tasks/task-access';
import { TaskClient } from '../src/lib/tasks/task.client';
import { UpdateTaskHandler } from '../src/lib/tasks/update-task.handler';

export const TEST_ID_SECRET = 'test-secret';

/**
 * The gateway's folder and item operations as `EwsFeatureModule` wires them (routers included),
 * every owner reached over `bus`: the handlers by operation name, and the pieces specs look at.
 */
export function messageGateway(bus: CommandBus) {
  const folderIds = new FolderIds({ idSecret: TEST_ID_SECRET });
  const resolver = new ActingMailboxResolver({} as never);
  const calendarAccess = new CalendarAccess(resolver, folderIds);
  const taskAccess = new TaskAccess(calendarAccess, folderIds);
  const messageAccess = new MessageAccess(calendarAccess, folderIds);
  const calendar = new CalendarClient(bus, new FreeBusyCache({ ttlMs: 0, maxEntries: 1, maxEventsPerEntry: 0 }));
  const tasks = new TaskClient(bus);
  const messages = new MessageClient(bus);
  const folders = new MailboxFolders(folderIds, resolver, calendar, messages);
  const handlers: EwsOperationHandler[] = [
    new GetFolderHandler(folders),
    new FindFolderHandler(folders),
    new FindItemRouter(
      new FindItemHandler(calendar, calendarAccess),
      new FindTaskHandler(tasks, taskAccess),
      new FindDeletedItemsHandler(calendar, tasks, messages, calendarAccess, taskAccess, messageAccess),
      new FindMessageHandler(messages, messageAccess),
      taskAccess,
    ),
    new GetItemRouter(
      new GetItemHandler(calendar, calendarAccess),
      new GetTaskHandler(tasks, taskAccess),
      new GetMessageHandler(messages, messageAccess),
    ),
    new UpdateItemRouter(new UpdateItemHandler(calendar), new UpdateTaskHandler(tasks), new UpdateMessageHandler(messages)),
    new DeleteItemRouter(new DeleteItemHandler(calendar), new DeleteTaskHandler(tasks), new DeleteMessageHandler(messages)),
    new MoveItemHandler(calendar, tasks, messages, calendarAccess),
    new GetAttachmentHandler(messages),
    new MarkAllItemsAsReadHandler(messages, calendarAccess),
    // CreateItem here is the message handler alone (the router's split is specified in tasks.spec.ts).
    new CreateMessageHandler(messages, messageAccess),
    new SendItemHandler(messages, messageAccess),
  ];
  return { folderIds, handlers, byOperation: new Map(handlers.map((h) => [h.operation, h])) };
}

/** The EWS HTTP endpoint over `handlers`, every request signed in as `user`. */
export function ewsEndpoint(user: DirectoryUser, handlers: EwsOperationHandler[]): EwsRequestService {
  const authenticator = { authenticate: async () => user } as unknown as Authenticator;
  return new EwsRequestService(
    authenticator,
    new ActingMailboxResolver({} as never),
    new ClientAddressResolver(),
    {
      bodyLimitBytes: 10_000_000,
      bodyTimeoutMs: 30_000,
      xmlLimits: {},
      batchLimits: { maxItems: 1000, maxMailboxes: 100 },
      bearerEnabled: false,
      idSecret: TEST_ID_SECRET,
    },
    handlers,
  );
}
