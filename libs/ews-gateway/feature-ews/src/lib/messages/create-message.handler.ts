import { Injectable } from '@nestjs/common';
import { createMessageRequestSchema, type MessageDisposition, type MessageFolderKind } from '@parley/contracts';
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
import type { EwsOperationContext, EwsOperationHandler } from '../ews-operation';
import { CalendarItemException } from '../calendar/calendar.exception';
import { readFolderRefs } from '../calendar/calendar-request.reader';
import { readMessageDisposition } from '../calendar/meeting-response.reader';
import { MessageAccess } from './message-access';
import { readComposedMessage } from './message-compose.reader';
import { MessageClient } from './message.client';
import { messageErrorMessage } from './message-error.mapper';
import { messageIdElement } from './message.writer';

/**
 * CreateItem of mail: `t:Message`, `t:ReplyToItem`, `t:ReplyAllToItem`, `t:ForwardItem`, from the
 * acting mailbox. The store (voicemail-ingest) composes, keeps and sends it (docs/ews-gateway.md,
 * "Sending mail"). `MessageDisposition` is required for mail (`ErrorMessageDispositionRequired`
 * per item without it); SaveOnly keeps it in Drafts (or `SavedItemFolderId`) and answers its id,
 * SendAndSaveCopy keeps it in Sent Items (or `SavedItemFolderId`), SendOnly keeps nothing. As in
 * Exchange, a message that was sent is answered with empty `Items`.
 */
@Injectable()
export class CreateMessageHandler implements EwsOperationHandler {
  readonly operation = 'CreateItem';

  constructor(
    private readonly messages: MessageClient,
    private readonly access: MessageAccess,
  ) {}

  async handle({ request, acting }: EwsOperationContext): Promise<XmlNode> {
    const body = request.body;
    const disposition = readMessageDisposition(body);
    const saved = child(body, NS.MESSAGES, 'SavedItemFolderId');
    const folders = saved ? readFolderRefs(saved) : [];
    if (saved && folders.length !== 1) throw new EwsError(EwsErrorCode.InvalidValue, "'SavedItemFolderId' must hold one folder id.");
    const items = requireChild(body, NS.MESSAGES, 'Items').children.filter((c) => c.ns === NS.TYPES);
    const responses: ResponseMessageSpec[] = [];
    for (const item of items) {
      try {
        responses.push(await this.create(item, acting, disposition, folders[0] && this.saveFolder(acting, folders[0])));
      } catch (error) {
        responses.push({ ...messageErrorMessage(error), content: itemsElement() });
      }
    }
    return operationResponse('CreateItem', responses);
  }

  private async create(
    item: XmlElement,
    acting: ActingMailbox,
    disposition: MessageDisposition | undefined,
    saveTo: MessageFolderKind | undefined,
  ): Promise<ResponseMessageSpec> {
    if (disposition === undefined)
      throw new CalendarItemException(EwsResponseCode.ErrorMessageDispositionRequired, 'MessageDisposition is required for messages.');
    const mailbox = acting.mailbox.smtpAddress;
    const input = { ...readComposedMessage(item, mailbox), mailbox, disposition, ...(saveTo ? { saveTo } : {}) };
    const parsed = createMessageRequestSchema.safeParse(input);
    if (!parsed.success) throw new CalendarItemException(EwsResponseCode.ErrorInvalidRequest, 'The message is not valid.');
    const reply = await this.messages.create(mailbox, parsed.data);
    return { content: itemsElement(disposition === 'SaveOnly' && reply.saved ? messageIdElement(reply.saved) : undefined) };
  }

  /** The folder a kept copy goes to: a message folder of the acting mailbox (not the voicemail view). */
  private saveFolder(acting: ActingMailbox, ref: Parameters<MessageAccess['viewKind']>[1]): MessageFolderKind {
    const view = this.access.viewKind(acting, ref);
    if (view === 'voicemail')
      throw new CalendarItemException(EwsResponseCode.ErrorInvalidOperation, 'Items cannot be saved in a search folder.');
    return view;
  }
}

function itemsElement(content?: XmlNode): XmlNode {
  return el(NS.MESSAGES, 'Items', {}, content);
}
