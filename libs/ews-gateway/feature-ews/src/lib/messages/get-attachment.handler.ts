import { Injectable } from '@nestjs/common';
import { messageIdOfAttachment } from '@parley/contracts';
import { attr, el, type XmlNode } from '@parley/xml';
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
import { MessageClient } from './message.client';
import { messageErrorMessage } from './message-error.mapper';
import { checkAttachmentId } from './message-id.reader';
import { attachmentElement } from './message.writer';

/**
 * GetAttachment: each `t:AttachmentId` on its own, in request order. Attachments are a message's
 * (calendar items and tasks carry none in Parley): the id is checked against the acting mailbox,
 * the message is looked up for the attachment's name, type and flags (and the root item's change
 * key), and the bytes are read chunk by chunk from the store and answered whole as base64
 * `t:Content` — byte for byte what was delivered. `AttachmentShape` is accepted; it changes nothing
 * for a file attachment.
 */
@Injectable()
export class GetAttachmentHandler implements EwsOperationHandler {
  readonly operation = 'GetAttachment';

  constructor(private readonly messages: MessageClient) {}

  async handle({ request, acting }: EwsOperationContext): Promise<XmlNode> {
    const mailbox = acting.mailbox.smtpAddress;
    const ids = requireChild(request.body, NS.MESSAGES, 'AttachmentIds').children.filter((c) => c.ns === NS.TYPES);
    if (ids.length === 0) throw new EwsError(EwsErrorCode.InvalidValue, "Element 'AttachmentIds' must contain at least one attachment id.");
    const messages: ResponseMessageSpec[] = [];
    for (const id of ids) {
      try {
        const attachmentId = attr(id, 'Id')?.trim();
        if (!attachmentId) throw new CalendarItemException(EwsResponseCode.ErrorInvalidIdEmpty, 'Id is empty.');
        checkAttachmentId(attachmentId, mailbox);
        const view = await this.messages.get(mailbox, messageIdOfAttachment(mailbox, attachmentId) as string);
        const summary = view.attachments.find((a) => a.id === attachmentId);
        if (summary === undefined)
          throw new CalendarItemException(EwsResponseCode.ErrorItemNotFound, 'The specified object was not found in the store.');
        const content = await this.messages.readContent(mailbox, { kind: 'attachment', attachmentId });
        messages.push({ content: el(NS.MESSAGES, 'Attachments', {}, attachmentElement(view, summary, content.bytes)) });
      } catch (error) {
        messages.push({ ...messageErrorMessage(error), content: el(NS.MESSAGES, 'Attachments') });
      }
    }
    return operationResponse('GetAttachment', messages);
  }
}
