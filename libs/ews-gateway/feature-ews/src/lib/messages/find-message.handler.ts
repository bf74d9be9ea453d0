import { Injectable } from '@nestjs/common';
import type { MessageSummary, MessageViewKind } from '@parley/contracts';
import { attr, child, el, type XmlElement, type XmlNode } from '@parley/xml';
import { NS, operationResponse, requireChild, type ResponseMessageSpec } from '@parley/ews-gateway/soap';
import type { EwsOperationContext, EwsOperationHandler } from '../ews-operation';
import { oneOf } from '../calendar/calendar-item.reader';
import { CalendarItemException } from '../calendar/calendar.exception';
import { readFolderRefs } from '../calendar/calendar-request.reader';
import { UnsupportedRestriction } from '../restriction/search-expression.reader';
import { readIndexedPageView, type TaskPageSpec } from '../tasks/find-task.handler';
import { MessageAccess } from './message-access';
import { MessageClient } from './message.client';
import { messageErrorMessage } from './message-error.mapper';
import { readMessageOrder, refuseMessageRestriction, type MessageOrder } from './message-query.reader';
import { readMessageShape } from './message-shape.reader';
import { messageElement } from './message.writer';

/** The most one page of a message folder holds (the find contract's `maxEntries` bound). */
export const MAX_MESSAGES_PER_PAGE = 1000;

/** One page of a message view, as the RootFolder's attributes describe it. */
export interface MessagePage {
  readonly items: MessageSummary[];
  readonly totalItemsInView: number;
  readonly includesLastItemInRange: boolean;
  readonly indexedPagingOffset: number;
}

/**
 * FindItem on the message folders (Inbox, Sent Items, Drafts, Outbox, Junk Email, Notes, Journal,
 * Conversation History) and the voicemail search folder; Deleted Items has its own handler, which
 * merges these with calendar-sync's. Paged by `IndexedPageItemView` (or none: the first page),
 * sorted by DateTimeReceived (`SortOrder`, newest first by default). BasePoint End counts the page
 * from the other end of the same order: the store is asked for the reverse order and the page is
 * turned back. A Restriction, another sort key, a CalendarView or a FractionalPageItemView is a
 * per-folder error. Traversal Associated (folder-associated items: Outlook's views and rules) and
 * SoftDeleted (recoverable items) list nothing: the store keeps neither.
 */
@Injectable()
export class FindMessageHandler implements EwsOperationHandler {
  readonly operation = 'FindItem';

  constructor(
    private readonly messages: MessageClient,
    private readonly access: MessageAccess,
  ) {}

  async handle({ request, acting }: EwsOperationContext): Promise<XmlNode> {
    const body = request.body;
    const shape = readMessageShape(body, 'find');
    const spec = readIndexedPageView(child(body, NS.MESSAGES, 'IndexedPageItemView'), MAX_MESSAGES_PER_PAGE);
    const query = readQuery(body);
    const otherView =
      child(body, NS.MESSAGES, 'CalendarView') ??
      child(body, NS.MESSAGES, 'FractionalPageItemView') ??
      child(body, NS.MESSAGES, 'ContactsView');
    const traversal = oneOf(attr(body, 'Traversal') ?? 'Shallow', ['Shallow', 'Deep', 'SoftDeleted', 'Associated'] as const, 'Traversal');
    const ctx = this.access.writeContext();
    const messages: ResponseMessageSpec[] = [];
    for (const folder of readFolderRefs(requireChild(body, NS.MESSAGES, 'ParentFolderIds'))) {
      try {
        const view = this.access.viewKind(acting, folder);
        if (otherView)
          throw new CalendarItemException(
            'ErrorInvalidOperation',
            `Parley pages message folders with an IndexedPageItemView, not a ${otherView.local}.`,
          );
        if (query instanceof UnsupportedRestriction) {
          messages.push(query.error);
          continue;
        }
        const page =
          traversal === 'Associated' || traversal === 'SoftDeleted'
            ? { items: [], totalItemsInView: 0, includesLastItemInRange: true, indexedPagingOffset: 0 }
            : await messagePage(this.messages, acting.mailbox.smtpAddress, view, spec, query);
        const attrs = {
          IndexedPagingOffset: page.indexedPagingOffset,
          TotalItemsInView: page.totalItemsInView,
          IncludesLastItemInRange: page.includesLastItemInRange,
        };
        const items = page.items.map((m) => messageElement(m, shape, ctx));
        messages.push({ content: el(NS.MESSAGES, 'RootFolder', attrs, el(NS.TYPES, 'Items', {}, items)) });
      } catch (error) {
        messages.push(messageErrorMessage(error));
      }
    }
    return operationResponse('FindItem', messages);
  }
}

/** The request's sort order (after checking it has no restriction), or the per-folder error to answer. */
function readQuery(body: XmlElement): MessageOrder | UnsupportedRestriction {
  try {
    refuseMessageRestriction(body);
    return readMessageOrder(body);
  } catch (error) {
    if (error instanceof UnsupportedRestriction) return error;
    throw error;
  }
}

/** One page of `view` in `order`, counted from the end for BasePoint End (one request either way). */
export async function messagePage(
  client: MessageClient,
  mailbox: string,
  view: MessageViewKind,
  spec: TaskPageSpec,
  order: MessageOrder,
): Promise<MessagePage> {
  const fromEnd = spec.basePoint === 'End';
  const asked = fromEnd ? (order === 'newest-first' ? 'oldest-first' : 'newest-first') : order;
  const found = await client.find(mailbox, { folder: view, offset: spec.offset, maxEntries: Math.max(1, spec.maxEntries), order: asked });
  const items = found.items.slice(0, spec.maxEntries);
  const reached = Math.min(spec.offset, found.total) + items.length;
  return {
    items: fromEnd ? items.reverse() : items,
    totalItemsInView: found.total,
    includesLastItemInRange: reached >= found.total,
    indexedPagingOffset: reached,
  };
}
