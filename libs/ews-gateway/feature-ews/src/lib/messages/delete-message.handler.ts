import { Injectable } from '@nestjs/common';
import { type MessageDisposal } from '@parley/contracts';
import { attr, type XmlElement, type XmlNode } from '@parley/xml';
import { operationResponse, type ResponseMessageSpec } from '@parley/ews-gateway/soap';
import type { EwsOperationContext, EwsOperationHandler } from '../ews-operation';
import { itemIdElements } from '../calendar/calendar-request.reader';
import { readDeleteItemDisposal } from '../item-request.reader';
import { MessageClient } from './message.client';
import { messageErrorMessage } from './message-error.mapper';
import { readMessageId } from './message-id.reader';

/**
 * DeleteItem on messages. The DeleteType goes to the store as asked: MoveToDeletedItems moves the
 * message to Deleted Items (one already there is removed), SoftDelete and HardDelete remove it (the
 * store keeps no recoverable items). The meeting and task attributes are validated as for any item
 * and mean nothing to a message.
 */
@Injectable()
export class DeleteMessageHandler implements EwsOperationHandler {
  readonly operation = 'DeleteItem';

  constructor(private readonly messages: MessageClient) {}

  async handle({ request, acting }: EwsOperationContext): Promise<XmlNode> {
    const body = request.body;
    const disposal = readMessageDisposal(body);
    const mailbox = acting.mailbox.smtpAddress;
    const messages: ResponseMessageSpec[] = [];
    for (const id of itemIdElements(body)) {
      try {
        await this.messages.delete(mailbox, readMessageId(id, mailbox).itemId, disposal);
        messages.push({});
      } catch (error) {
        messages.push(messageErrorMessage(error));
      }
    }
    return operationResponse('DeleteItem', messages);
  }
}

function readMessageDisposal(body: XmlElement): MessageDisposal {
  readDeleteItemDisposal(body);
  const deleteType = attr(body, 'DeleteType')?.trim() ?? 'HardDelete';
  return deleteType === 'SoftDelete' || deleteType === 'MoveToDeletedItems' ? deleteType : 'HardDelete';
}
