import { Injectable } from '@nestjs/common';
import { isMessageItemId, isTaskItemId } from '@parley/contracts';
import type { ActingMailbox } from '@parley/ews-gateway/auth';
import { attr, child, el, type XmlChild, type XmlElement, type XmlNode } from '@parley/xml';
import { NS, type SoapRequest } from '@parley/ews-gateway/soap';
import type { EwsOperationContext, EwsOperationHandler } from '../ews-operation';
import { CreateItemHandler } from '../calendar/create-item.handler';
import { DeleteItemHandler } from '../calendar/delete-item.handler';
import { FindItemHandler } from '../calendar/find-item.handler';
import { GetItemHandler } from '../calendar/get-item.handler';
import { UpdateItemHandler } from '../calendar/update-item.handler';
import { readFolderRef } from '../calendar/calendar-request.reader';
import { FindDeletedItemsHandler } from '../deleted-items/find-deleted-items.handler';
import { messageViewKind } from '../folders/mailbox-folders';
import { CreateMessageHandler } from '../messages/create-message.handler';
import { DeleteMessageHandler } from '../messages/delete-message.handler';
import { isComposedMessage } from '../messages/message-compose.reader';
import { FindMessageHandler } from '../messages/find-message.handler';
import { GetMessageHandler } from '../messages/get-message.handler';
import { UpdateMessageHandler } from '../messages/update-message.handler';
import { CreateTaskHandler } from '../tasks/create-task.handler';
import { DeleteTaskHandler } from '../tasks/delete-task.handler';
import { FindTaskHandler } from '../tasks/find-task.handler';
import { GetTaskHandler } from '../tasks/get-task.handler';
import { TaskAccess } from '../tasks/task-access';
import { UpdateTaskHandler } from '../tasks/update-task.handler';

/**
 * The one place that decides whether an item operation is about calendar items, tasks or messages.
 * Each unit of a request (an item of CreateItem's `Items`, an id of GetItem/DeleteItem's
 * `ItemIds`, an `ItemChange`, a FindItem parent folder) is routed on its own: `t:Task` elements,
 * mail elements (`t:Message`, `t:ReplyToItem`, `t:ReplyAllToItem`, `t:ForwardItem`) to the message store,
 * task ids (`isTaskItemId`: the id's kind byte) and the Tasks folder go to the task handlers;
 * message ids (`isMessageItemId`), the message folders and the voicemail view to the message
 * handlers (voicemail-ingest's store); everything else to the calendar handlers, unchanged;
 * FindItem on Deleted Items goes to its own handler (which lists calendar items, tasks and messages).
 * A request whose units all go one way is handed over whole; a mixed one is split into one request
 * per owner and the answers are merged back in request order (every handler answers one response
 * message per unit).
 */
type Owner = 'calendar' | 'tasks' | 'messages' | 'deleteditems';

abstract class ItemOperationRouter implements EwsOperationHandler {
  protected constructor(
    readonly operation: string,
    private readonly container: string,
    private readonly handlers: {
      readonly calendar: EwsOperationHandler;
      readonly tasks: EwsOperationHandler;
      readonly messages?: EwsOperationHandler;
      readonly deleteditems?: EwsOperationHandler;
    },
  ) {}

  protected abstract ownerOf(unit: XmlElement, acting: ActingMailbox): Owner;

  private handlerOf(owner: Owner): EwsOperationHandler {
    return this.handlers[owner] ?? this.handlers.calendar;
  }

  async handle(ctx: EwsOperationContext): Promise<XmlNode> {
    const body = ctx.request.body;
    const holder = child(body, NS.MESSAGES, this.container);
    const units = holder?.children.filter((c) => c.ns === NS.TYPES) ?? [];
    const owners = units.map((u) => this.ownerOf(u, ctx.acting));
    if (!holder || owners.every((o) => o === 'calendar')) return this.handlers.calendar.handle(ctx);
    const distinct = [...new Set(owners)];
    if (distinct.length === 1) return this.handlerOf(distinct[0]).handle(ctx);
    const only = (owner: Owner): EwsOperationContext => ({
      ...ctx,
      request: withUnits(
        ctx.request,
        holder,
        units.filter((_, i) => owners[i] === owner),
      ),
    });
    const answers = await Promise.all(distinct.map((owner) => this.handlerOf(owner).handle(only(owner))));
    const queues = new Map<Owner, XmlChild[]>(distinct.map((owner, i) => [owner, [...responseMessages(answers[i])]]));
    const merged = owners.map((o) => queues.get(o)?.shift()).filter((m): m is XmlChild => m !== undefined);
    return el(NS.MESSAGES, `${this.operation}Response`, {}, el(NS.MESSAGES, 'ResponseMessages', {}, merged as XmlNode[]));
  }
}

function withUnits(request: SoapRequest, holder: XmlElement, units: XmlElement[]): SoapRequest {
  // Non-type children of the holder (none in valid requests) are dropped with the split.
  const body = { ...request.body, children: request.body.children.map((c) => (c === holder ? { ...holder, children: units } : c)) };
  return { ...request, body };
}

function responseMessages(answer: XmlNode): readonly XmlChild[] {
  const list = answer.children.find((c): c is XmlNode => typeof c !== 'string' && c.local === 'ResponseMessages');
  return list?.children ?? [];
}

/** The id an item-id element names (`ItemId` Id, `OccurrenceItemId` RecurringMasterId, `RecurringMasterItemId` OccurrenceId). */
export function idOf(element: XmlElement): string {
  return (attr(element, 'Id') ?? attr(element, 'RecurringMasterId') ?? attr(element, 'OccurrenceId') ?? '').trim();
}

function byId(element: XmlElement): Owner {
  const id = idOf(element);
  if (isTaskItemId(id)) return 'tasks';
  return isMessageItemId(id) ? 'messages' : 'calendar';
}

@Injectable()
export class CreateItemRouter extends ItemOperationRouter {
  constructor(calendar: CreateItemHandler, tasks: CreateTaskHandler, messages: CreateMessageHandler) {
    super('CreateItem', 'Items', { calendar, tasks, messages });
  }

  /** Mail (`t:Message` and its replies and forwards) goes to the message store; meeting responses stay with the calendar. */
  protected ownerOf(item: XmlElement): Owner {
    if (item.local === 'Task') return 'tasks';
    return isComposedMessage(item) ? 'messages' : 'calendar';
  }
}

@Injectable()
export class GetItemRouter extends ItemOperationRouter {
  constructor(calendar: GetItemHandler, tasks: GetTaskHandler, messages: GetMessageHandler) {
    super('GetItem', 'ItemIds', { calendar, tasks, messages });
  }

  protected ownerOf(id: XmlElement): Owner {
    return byId(id);
  }
}

@Injectable()
export class DeleteItemRouter extends ItemOperationRouter {
  constructor(calendar: DeleteItemHandler, tasks: DeleteTaskHandler, messages: DeleteMessageHandler) {
    super('DeleteItem', 'ItemIds', { calendar, tasks, messages });
  }

  protected ownerOf(id: XmlElement): Owner {
    return byId(id);
  }
}

@Injectable()
export class UpdateItemRouter extends ItemOperationRouter {
  constructor(calendar: UpdateItemHandler, tasks: UpdateTaskHandler, messages: UpdateMessageHandler) {
    super('UpdateItem', 'ItemChanges', { calendar, tasks, messages });
  }

  protected ownerOf(change: XmlElement): Owner {
    const id = change.children.find((c) => c.ns === NS.TYPES && c.local !== 'Updates');
    return id ? byId(id) : 'calendar';
  }
}

@Injectable()
export class FindItemRouter extends ItemOperationRouter {
  constructor(
    calendar: FindItemHandler,
    tasks: FindTaskHandler,
    deleteditems: FindDeletedItemsHandler,
    messages: FindMessageHandler,
    private readonly access: TaskAccess,
  ) {
    super('FindItem', 'ParentFolderIds', { calendar, tasks, deleteditems, messages });
  }

  /**
   * The Tasks, Deleted Items or a message folder (distinguished or by id, in the acting mailbox);
   * anything unresolvable stays with the calendar handler, which reports it.
   */
  protected ownerOf(folder: XmlElement, acting: ActingMailbox): Owner {
    try {
      const kind = this.access.tryFolderKind(acting, readFolderRef(folder));
      if (kind === 'tasks' || kind === 'deleteditems') return kind;
      return kind !== undefined && messageViewKind(kind) !== undefined ? 'messages' : 'calendar';
    } catch {
      return 'calendar';
    }
  }
}

/** The EWS handlers of CreateItem, GetItem, DeleteItem, UpdateItem and FindItem. */
export const itemOperationRouters = [CreateItemRouter, GetItemRouter, DeleteItemRouter, UpdateItemRouter, FindItemRouter];
