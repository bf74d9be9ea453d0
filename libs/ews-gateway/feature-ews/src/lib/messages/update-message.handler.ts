import { Injectable } from '@nestjs/common';
import { conflictResolutions } from '@parley/contracts';
import { attr, child, el, type XmlElement, type XmlNode } from '@parley/xml';
import {
  EwsError,
  EwsErrorCode,
  EwsResponseCode,
  NS,
  operationResponse,
  requireChild,
  type ResponseMessageSpec,
} from '@parley/ews-gateway/soap';
import type { EwsOperationContext, EwsOperationHandler } from '../ews-operation';
import { oneOf, readBoolean } from '../calendar/calendar-item.reader';
import { CalendarItemException } from '../calendar/calendar.exception';
import { updatedPropertyPath } from '../item-request.reader';
import { MessageClient } from './message.client';
import { messageErrorMessage } from './message-error.mapper';
import { readMessageId } from './message-id.reader';
import { messageIdElement } from './message.writer';

/**
 * UpdateItem on messages: `message:IsRead` is the one property a client changes on a received
 * message (SetItemField with `t:Message/t:IsRead`, xs:boolean in any of its four spellings;
 * DeleteItemField resets it to unread, as deleting PR_MESSAGE_FLAGS' read bit does). Any other
 * property is `ErrorInvalidPropertySet` (DeleteItemField: `ErrorInvalidPropertyDelete`). The
 * ChangeKey and ConflictResolution go to the store, which answers a stale key under
 * NeverOverwrite with a conflict (`ErrorIrresolvableConflict`).
 */
@Injectable()
export class UpdateMessageHandler implements EwsOperationHandler {
  readonly operation = 'UpdateItem';

  constructor(private readonly messages: MessageClient) {}

  async handle({ request, acting }: EwsOperationContext): Promise<XmlNode> {
    const body = request.body;
    const conflictResolution = oneOf(attr(body, 'ConflictResolution') ?? 'AutoResolve', conflictResolutions, 'ConflictResolution');
    const mailbox = acting.mailbox.smtpAddress;
    const messages: ResponseMessageSpec[] = [];
    const changes = requireChild(body, NS.MESSAGES, 'ItemChanges').children.filter((c) => c.ns === NS.TYPES && c.local === 'ItemChange');
    for (const change of changes) {
      try {
        const idElement = change.children.find((c) => c.ns === NS.TYPES && c.local !== 'Updates');
        if (!idElement) throw new EwsError(EwsErrorCode.InvalidValue, "Element 'ItemChange' must contain an item id.");
        const { itemId, changeKey } = readMessageId(idElement, mailbox);
        const isRead = readIsReadChange(requireChild(change, NS.TYPES, 'Updates'));
        const updated = await this.messages.update(mailbox, {
          itemId,
          changeKey,
          conflictResolution,
          set: isRead === undefined ? {} : { isRead },
        });
        messages.push({
          content: [
            el(NS.MESSAGES, 'Items', {}, messageIdElement(updated)),
            el(NS.MESSAGES, 'ConflictResults', {}, el(NS.TYPES, 'Count', {}, 0)),
          ],
        });
      } catch (error) {
        messages.push({ ...messageErrorMessage(error), content: el(NS.MESSAGES, 'Items') });
      }
    }
    return operationResponse('UpdateItem', messages);
  }
}

/** The IsRead the updates leave (a later update wins), or undefined when none names it. */
export function readIsReadChange(updates: XmlElement): boolean | undefined {
  let isRead: boolean | undefined;
  for (const update of updates.children.filter((c) => c.ns === NS.TYPES)) {
    const uri = fieldUriOf(update);
    if (update.local === 'DeleteItemField') {
      if (uri !== 'message:IsRead')
        throw new CalendarItemException(
          EwsResponseCode.ErrorInvalidPropertyDelete,
          `The '${uri}' property of a message cannot be deleted.`,
        );
      isRead = false;
      continue;
    }
    if (update.local !== 'SetItemField') {
      if (update.local === 'AppendToItemField')
        throw new CalendarItemException(
          EwsResponseCode.ErrorInvalidPropertySet,
          `The '${uri}' property of a message cannot be appended to.`,
        );
      throw new EwsError(EwsErrorCode.InvalidValue, `'${update.local.slice(0, 40)}' is not an item update.`);
    }
    if (uri !== 'message:IsRead')
      throw new CalendarItemException(EwsResponseCode.ErrorInvalidPropertySet, `Parley cannot change the property '${uri}' of a message.`);
    const item = child(update, NS.TYPES, 'Message') ?? child(update, NS.TYPES, 'Item');
    const value = item === undefined ? undefined : child(item, NS.TYPES, 'IsRead');
    if (value === undefined)
      throw new CalendarItemException(
        EwsResponseCode.ErrorInvalidPropertySet,
        "The update names 'message:IsRead' but its message carries no IsRead.",
      );
    isRead = readBoolean(value.text, 'IsRead');
  }
  return isRead;
}

function fieldUriOf(update: XmlElement): string {
  const { path, fieldUri } = updatedPropertyPath(update);
  return (fieldUri ?? path.local).slice(0, 60);
}
