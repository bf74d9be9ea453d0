import { Injectable } from '@nestjs/common';
import { CommandErrorCodes, isMessageItemId, isTaskItemId, messageFolderKinds, type MessageFolderKind } from '@parley/contracts';
import type { ActingMailbox } from '@parley/ews-gateway/auth';
import { child, el, type XmlElement, type XmlNode } from '@parley/xml';
import {
  EwsError,
  EwsErrorCode,
  EwsResponseCode,
  NS,
  operationResponse,
  requireChild,
  type ResponseMessageSpec,
} from '@parley/ews-gateway/soap';
import { CommandRefusedError } from '@parley/messaging';
import type { EwsOperationContext, EwsOperationHandler } from '../ews-operation';
import { CalendarAccess } from '../calendar/calendar-access';
import { calendarErrorMessage } from '../calendar/calendar-error.mapper';
import { calendarItemIdElement } from '../calendar/calendar-item.writer';
import { CalendarItemException } from '../calendar/calendar.exception';
import { CalendarClient } from '../calendar/calendar.client';
import { itemIdElements, readFolderRef, readItemIdRef, type FolderRef } from '../calendar/calendar-request.reader';
import type { FolderKind } from '../folders/mailbox-folders';
import { idOf } from '../items/item-operation.routers';
import { MessageClient } from '../messages/message.client';
import { messageErrorMessage } from '../messages/message-error.mapper';
import { readMessageId } from '../messages/message-id.reader';
import { messageIdElement } from '../messages/message.writer';
import { taskErrorMessage } from '../tasks/task-error.mapper';
import { TaskClient } from '../tasks/task.client';
import { readTaskId } from '../tasks/task-id.reader';
import { taskIdElement } from '../tasks/task.writer';

/**
 * MoveItem for the items calendar-sync owns. An item moves only between its own folder (Calendar
 * for calendar items, Tasks for tasks) and Deleted Items: that is how a client restores what
 * DeleteItem's MoveToDeletedItems put there. A move to the folder an item is already in succeeds
 * unchanged. Any other destination is `ErrorMoveCopyFailed`; one occurrence cannot move on its own
 * (`ErrorCalendarCannotMoveOrCopyOccurrence`, as in Exchange), while `RecurringMasterItemId` moves
 * its series. Each id is answered on its own, in request order, with the moved item's id (it keeps
 * its id; the change key is new) unless `ReturnNewItemIds` is false. Messages (voicemail-ingest's
 * store) move between the message folders (Inbox, Deleted Items, Junk Email, …; not into the
 * voicemail view, which is a search folder, nor into Calendar or Tasks).
 */
@Injectable()
export class MoveItemHandler implements EwsOperationHandler {
  readonly operation = 'MoveItem';

  constructor(
    private readonly calendar: CalendarClient,
    private readonly tasks: TaskClient,
    private readonly messages: MessageClient,
    private readonly access: CalendarAccess,
  ) {}

  async handle({ request, acting }: EwsOperationContext): Promise<XmlNode> {
    const body = request.body;
    const destination = readDestination(body);
    const returnIds = readReturnNewItemIds(body);
    const messages: ResponseMessageSpec[] = [];
    for (const id of itemIdElements(body)) {
      const owner = ownerOf(idOf(id));
      try {
        const moved =
          owner === 'messages'
            ? await this.moveMessage(acting, id, destination)
            : owner === 'tasks'
              ? await this.moveTask(acting, id, destination)
              : await this.moveCalendarItem(acting, id, destination);
        messages.push({ content: el(NS.MESSAGES, 'Items', {}, returnIds ? [moved] : []) });
      } catch (error) {
        messages.push({ ...moveErrorMessage(error, owner), content: el(NS.MESSAGES, 'Items') });
      }
    }
    return operationResponse('MoveItem', messages);
  }

  private async moveMessage(acting: ActingMailbox, id: XmlElement, destination: FolderRef): Promise<XmlNode> {
    const mailbox = acting.mailbox.smtpAddress;
    const { itemId } = readMessageId(id, mailbox);
    const kind: FolderKind = this.access.folderKind(acting, destination);
    if (!(messageFolderKinds as readonly string[]).includes(kind))
      throw new CalendarItemException(EwsResponseCode.ErrorMoveCopyFailed, 'Parley keeps messages in the message folders only.');
    return messageIdElement(await this.messages.move(mailbox, itemId, kind as MessageFolderKind));
  }

  private async moveTask(acting: ActingMailbox, id: XmlElement, destination: FolderRef): Promise<XmlNode> {
    const { itemId } = readTaskId(id);
    const to = this.target(acting, destination, 'tasks');
    return taskIdElement(await this.tasks.move(acting.mailbox.smtpAddress, itemId, to));
  }

  private async moveCalendarItem(acting: ActingMailbox, id: XmlElement, destination: FolderRef): Promise<XmlNode> {
    const { target } = readItemIdRef(id);
    if (target.by === 'occurrenceIndex') throw cannotMoveOccurrence();
    const to = this.target(acting, destination, 'calendar');
    const mailbox = acting.mailbox.smtpAddress;
    const itemId = target.by === 'id' ? target.itemId : (await this.calendar.get(mailbox, target)).id;
    return calendarItemIdElement(await this.calendar.move(mailbox, itemId, to));
  }

  /** The destination, if it is the item's own folder or Deleted Items (the only moves Parley keeps). */
  private target<Home extends 'calendar' | 'tasks'>(acting: ActingMailbox, destination: FolderRef, home: Home): Home | 'deleteditems' {
    const kind: FolderKind = this.access.folderKind(acting, destination);
    if (kind === 'deleteditems' || kind === home) return kind as Home | 'deleteditems';
    const what = home === 'tasks' ? 'tasks in the Tasks folder' : 'calendar items in the Calendar folder';
    throw new CalendarItemException(EwsResponseCode.ErrorMoveCopyFailed, `Parley keeps ${what} or in Deleted Items only.`);
  }
}

/** `m:ToFolderId` holds exactly one folder id; a request without one is malformed as a whole. */
function readDestination(body: XmlElement): FolderRef {
  const folders = requireChild(body, NS.MESSAGES, 'ToFolderId').children.filter((c) => c.ns === NS.TYPES);
  if (folders.length !== 1) throw new EwsError(EwsErrorCode.InvalidValue, "'ToFolderId' must hold one folder id.");
  return readFolderRef(folders[0]);
}

/** Ids are returned unless the client says otherwise (the element is Exchange 2010 SP1's). */
function readReturnNewItemIds(body: XmlElement): boolean {
  const value = child(body, NS.MESSAGES, 'ReturnNewItemIds')?.text.trim();
  if (value === undefined) return true;
  if (value !== 'true' && value !== 'false' && value !== '1' && value !== '0')
    throw new EwsError(EwsErrorCode.InvalidValue, "'ReturnNewItemIds' must be a boolean.");
  return value === 'true' || value === '1';
}

function cannotMoveOccurrence(): CalendarItemException {
  return new CalendarItemException(
    EwsResponseCode.ErrorCalendarCannotMoveOrCopyOccurrence,
    'An occurrence cannot be moved on its own; move its series.',
  );
}

type Owner = 'calendar' | 'tasks' | 'messages';

function ownerOf(id: string): Owner {
  if (isTaskItemId(id)) return 'tasks';
  return isMessageItemId(id) ? 'messages' : 'calendar';
}

/** calendar-sync refuses an occurrence id with `InvalidOperation` (the calendar move contract's only such refusal). */
function moveErrorMessage(error: unknown, owner: Owner): ResponseMessageSpec {
  if (owner === 'calendar' && error instanceof CommandRefusedError && error.code === CommandErrorCodes.invalidOperation)
    return calendarErrorMessage(cannotMoveOccurrence());
  if (owner === 'messages') return messageErrorMessage(error);
  return owner === 'tasks' ? taskErrorMessage(error) : calendarErrorMessage(error);
}
