import { Injectable } from '@nestjs/common';
import { type XmlElement, type XmlNode } from '@parley/xml';
import { EwsError, EwsErrorCode, NS, operationResponse, requireChild, type ResponseMessageSpec } from '@parley/ews-gateway/soap';
import type { EwsOperationContext, EwsOperationHandler } from '../ews-operation';
import { CalendarAccess } from '../calendar/calendar-access';
import { readBoolean } from '../calendar/calendar-item.reader';
import { readFolderRefs } from '../calendar/calendar-request.reader';
import { messageViewKind } from '../folders/mailbox-folders';
import { MessageClient } from './message.client';
import { messageErrorMessage } from './message-error.mapper';

/**
 * MarkAllItemsAsRead (Exchange 2013): sets or clears the read flag of every message in each
 * folder of `FolderIds`, one response message per folder in request order. The voicemail view
 * marks the voicemail in the Inbox. Folders without messages (Calendar, Tasks, Contacts, the
 * roots) have nothing to mark and succeed. `SuppressReadReceipts` is read and has no effect:
 * Parley sends no read receipts.
 */
@Injectable()
export class MarkAllItemsAsReadHandler implements EwsOperationHandler {
  readonly operation = 'MarkAllItemsAsRead';

  constructor(
    private readonly messages: MessageClient,
    private readonly access: CalendarAccess,
  ) {}

  async handle({ request, acting }: EwsOperationContext): Promise<XmlNode> {
    const body = request.body;
    const readFlag = readRequiredBoolean(body, 'ReadFlag');
    readRequiredBoolean(body, 'SuppressReadReceipts');
    const folders = readFolderRefs(requireChild(body, NS.MESSAGES, 'FolderIds'));
    if (folders.length === 0) throw new EwsError(EwsErrorCode.InvalidValue, "Element 'FolderIds' must contain at least one folder id.");
    const mailbox = acting.mailbox.smtpAddress;
    const messages: ResponseMessageSpec[] = [];
    for (const folder of folders) {
      try {
        const view = messageViewKind(this.access.folderKind(acting, folder));
        if (view !== undefined) await this.messages.markAllRead(mailbox, [view], readFlag);
        messages.push({});
      } catch (error) {
        messages.push(messageErrorMessage(error));
      }
    }
    return operationResponse('MarkAllItemsAsRead', messages);
  }
}

function readRequiredBoolean(body: XmlElement, name: string): boolean {
  return readBoolean(requireChild(body, NS.MESSAGES, name).text, name);
}
