import { Injectable } from '@nestjs/common';
import { el, type XmlNode } from '@parley/xml';
import { NS, operationResponse, type ResponseMessageSpec } from '@parley/ews-gateway/soap';
import type { EwsOperationContext, EwsOperationHandler } from '../ews-operation';
import { itemIdElements } from '../calendar/calendar-request.reader';
import { MessageAccess } from './message-access';
import { MessageClient } from './message.client';
import { messageErrorMessage } from './message-error.mapper';
import { readMessageId } from './message-id.reader';
import { readMessageShape } from './message-shape.reader';
import { messageElement } from './message.writer';

/**
 * GetItem on messages (`t:ItemId` of the acting mailbox: another mailbox's id is not found before
 * any lookup). The MIME (IncludeMimeContent or `item:MimeContent`) is read chunk by chunk from the
 * store and answered whole, base64; body, attachments (without content: GetAttachment has it),
 * recipients, header lines and voicemail properties come from the one `mailbox.message.get`.
 */
@Injectable()
export class GetMessageHandler implements EwsOperationHandler {
  readonly operation = 'GetItem';

  constructor(
    private readonly messages: MessageClient,
    private readonly access: MessageAccess,
  ) {}

  async handle({ request, acting }: EwsOperationContext): Promise<XmlNode> {
    const shape = readMessageShape(request.body, 'get');
    const ctx = this.access.writeContext();
    const mailbox = acting.mailbox.smtpAddress;
    const messages: ResponseMessageSpec[] = [];
    for (const id of itemIdElements(request.body)) {
      try {
        const { itemId } = readMessageId(id, mailbox);
        const view = await this.messages.get(mailbox, itemId);
        const mime = shape.fields.has('item:MimeContent')
          ? (await this.messages.readContent(mailbox, { kind: 'mime', itemId })).bytes
          : undefined;
        messages.push({ content: el(NS.MESSAGES, 'Items', {}, messageElement({ ...view, mime }, shape, ctx)) });
      } catch (error) {
        messages.push({ ...messageErrorMessage(error), content: el(NS.MESSAGES, 'Items') });
      }
    }
    return operationResponse('GetItem', messages);
  }
}
