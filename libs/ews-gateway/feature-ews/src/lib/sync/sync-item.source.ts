import { Injectable } from '@nestjs/common';
import { CommandErrorCodes, type MessageFolderKind, messageFolderKinds } from '@parley/contracts';
import type { SoapRequest } from '@parley/ews-gateway/soap';
import { CommandRefusedError } from '@parley/messaging';
import type { XmlNode } from '@parley/xml';
import { CalendarAccess } from '../calendar/calendar-access';
import { CalendarClient } from '../calendar/calendar.client';
import { calendarItemElement } from '../calendar/calendar-item.writer';
import { readItemShape } from '../calendar/calendar-request.reader';
import type { FolderKind } from '../folders/mailbox-folders';
import { MessageAccess } from '../messages/message-access';
import { MessageClient } from '../messages/message.client';
import { readMessageShape } from '../messages/message-shape.reader';
import { messageElement } from '../messages/message.writer';
import { TaskAccess } from '../tasks/task-access';
import { TaskClient } from '../tasks/task.client';
import { readTaskShape, taskElement } from '../tasks/task.writer';

/** The folders SyncFolderItems lists items of, by owner: calendar-sync's Calendar and Tasks, the store's message folders. */
export type SyncedFolder = 'calendar' | 'tasks' | MessageFolderKind;

/** An item as a sync change shows it: its id and its element in the request's `ItemShape`. */
export interface SyncedItem {
  readonly id: string;
  readonly element: XmlNode;
}

export interface SyncedItemPage {
  readonly items: SyncedItem[];
  /** Items in the folder when the page was read. */
  readonly total: number;
}

const messageFolders: ReadonlySet<string> = new Set(messageFolderKinds);

/**
 * Which folders hold items to sync. Deleted Items is left out: two owners keep items there and
 * calendar-sync's journal entries name an item's home folder when it moves in (see docs); the
 * voicemail view is a search folder over the Inbox, which is synced instead.
 */
export function syncedFolder(kind: FolderKind): SyncedFolder | 'empty' | 'unsupported' {
  if (kind === 'calendar' || kind === 'tasks') return kind;
  if (kind === 'deleteditems' || kind === 'voicemail') return 'unsupported';
  return messageFolders.has(kind) ? (kind as MessageFolderKind) : 'empty';
}

/**
 * Reads a synced folder's items from their owner and writes them with the writers FindItem and
 * GetItem use: the initial listing page by page (messages oldest first, calendar items and tasks in
 * their folder's own order), and one item's current state for an incremental change. Messages are
 * written with FindItem's properties (no body: clients load it with GetItem, as after FindItem).
 */
@Injectable()
export class SyncItemSource {
  constructor(
    private readonly calendar: CalendarClient,
    private readonly tasks: TaskClient,
    private readonly messages: MessageClient,
    private readonly calendarAccess: CalendarAccess,
    private readonly taskAccess: TaskAccess,
    private readonly messageAccess: MessageAccess,
  ) {}

  /** A writer for the request's shape (read once, for the folder's owner only). */
  writer(request: SoapRequest, folder: SyncedFolder): (item: unknown) => XmlNode {
    if (folder === 'calendar') {
      const shape = readItemShape(request.body);
      const ctx = this.calendarAccess.writeContext(request);
      return (item) => calendarItemElement(item as Parameters<typeof calendarItemElement>[0], shape, ctx);
    }
    if (folder === 'tasks') {
      const shape = readTaskShape(request.body);
      const ctx = this.taskAccess.writeContext();
      return (item) => taskElement(item as Parameters<typeof taskElement>[0], shape, ctx);
    }
    const shape = readMessageShape(request.body, 'find');
    const ctx = this.messageAccess.writeContext();
    return (item) => messageElement(item as Parameters<typeof messageElement>[0], shape, ctx);
  }

  /** Items [offset, offset + take) of the folder, written. */
  async page(
    mailbox: string,
    folder: SyncedFolder,
    offset: number,
    take: number,
    write: (item: unknown) => XmlNode,
  ): Promise<SyncedItemPage> {
    const written = <T extends { id: string }>(items: T[]) => items.map((item) => ({ id: item.id, element: write(item) }));
    if (folder === 'calendar') {
      const found = await this.calendar.findDeleted(mailbox, offset, take, 'calendar');
      return { items: written(found.items), total: found.total };
    }
    if (folder === 'tasks') {
      const found = await this.tasks.find(mailbox, { offset, maxEntries: take, basePoint: 'Beginning', folder: 'tasks' });
      return { items: written(found.items), total: found.totalItemsInView };
    }
    const found = await this.messages.find(mailbox, { folder, offset, maxEntries: take, order: 'oldest-first' });
    return { items: written(found.items), total: found.total };
  }

  /** The item as it is now, written, if it is still in the folder (a deleted item or one moved elsewhere: undefined). */
  async current(mailbox: string, folder: SyncedFolder, itemId: string, write: (item: unknown) => XmlNode): Promise<SyncedItem | undefined> {
    try {
      if (folder === 'calendar') {
        const item = await this.calendar.get(mailbox, { by: 'id', itemId });
        return (item.folder ?? 'calendar') === folder ? { id: item.id, element: write(item) } : undefined;
      }
      if (folder === 'tasks') {
        const task = await this.tasks.get(mailbox, itemId);
        return (task.folder ?? 'tasks') === folder ? { id: task.id, element: write(task) } : undefined;
      }
      const message = await this.messages.get(mailbox, itemId);
      return message.folder === folder ? { id: message.id, element: write(message) } : undefined;
    } catch (error) {
      if (error instanceof CommandRefusedError && error.code === CommandErrorCodes.itemNotFound) return undefined;
      throw error;
    }
  }
}
