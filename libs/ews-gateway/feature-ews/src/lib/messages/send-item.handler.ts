import { Injectable } from '@nestjs/common';
import type { MessageFolderKind } from '@parley/contracts';
import { attr, child, type XmlNode } from '@parley/xml';
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
import { CalendarItemException } from '../calendar/calendar.exception';
import { readBoolean } from '../calendar/calendar-item.reader';
import { readFolderRefs } from '../calendar/calendar-request.reader';
import { MessageAccess } from './message-access';
import { MessageClient } from './message.client';
import { messageErrorMessage } from './message-error.mapper';
import { readMessageId } from './message-id.reader';

/**
 * SendItem: sends saved messages of the acting mailbox (drafts) as they were saved. With
 * `SaveItemToFolder` true the message moves to Sent Items (or `SavedItemFolderId`); false removes
 * it once it is queued. One empty response message per id.
 */
@Injectable()
export class SendItemHandler implements EwsOperationHandler {
  readonly operation = 'SendItem';

  constructor(
    private readonly messages: MessageClient,
    private readonly access: MessageAccess,
  ) {}

  async handle({ request, acting }: EwsOperationContext): Promise<XmlNode> {
    const body = request.body;
    const saveValue = attr(body, 'SaveItemToFolder');
    if (saveValue === undefined) throw new EwsError(EwsErrorCode.InvalidValue, "SendItem needs the 'SaveItemToFolder' attribute.");
    const saveCopy = readBoolean(saveValue, 'SaveItemToFolder');
    const saved = child(body, NS.MESSAGES, 'SavedItemFolderId');
    const folders = saved ? readFolderRefs(saved) : [];
    if (saved && folders.length !== 1) throw new EwsError(EwsErrorCode.InvalidValue, "'SavedItemFolderId' must hold one folder id.");
    const mailbox = acting.mailbox.smtpAddress;
    const ids = requireChild(body, NS.MESSAGES, 'ItemIds').children.filter((c) => c.ns === NS.TYPES);
    const responses: ResponseMessageSpec[] = [];
    for (const id of ids) {
      try {
        let saveTo: MessageFolderKind | undefined;
        if (saveCopy && folders[0]) {
          const view = this.access.viewKind(acting, folders[0]);
          if (view === 'voicemail')
            throw new CalendarItemException(EwsResponseCode.ErrorInvalidOperation, 'Items cannot be saved in a search folder.');
          saveTo = view;
        }
        const { itemId, changeKey } = readMessageId(id, mailbox);
        await this.messages.send(mailbox, { itemId, changeKey, saveCopy, saveTo });
        responses.push({});
      } catch (error) {
        responses.push(messageErrorMessage(error));
      }
    }
    return operationResponse('SendItem', responses);
  }
}
