import { Injectable } from '@nestjs/common';
import { NS, operationResponse, requireChild, type ResponseMessageSpec } from '@parley/ews-gateway/soap';
import { text, type XmlNode } from '@parley/xml';
import type { EwsOperationContext, EwsOperationHandler } from '../ews-operation';
import { FolderIds } from '../folders/folder-ids';
import { notificationRefusal } from './notification.exception';
import { NotificationSubscriptions } from './notification-subscriptions.service';
import { notificationElement } from './notification.writer';

/**
 * GetEvents: a pull subscription's events after the given watermark (at most
 * `MAX_EVENTS_PER_NOTIFICATION`, `MoreEvents` when more wait), or one status event with the current
 * watermark. Polling renews the subscription's timeout.
 */
@Injectable()
export class GetEventsHandler implements EwsOperationHandler {
  readonly operation = 'GetEvents';

  constructor(
    private readonly subscriptions: NotificationSubscriptions,
    private readonly folderIds: FolderIds,
  ) {}

  async handle({ request, acting }: EwsOperationContext): Promise<XmlNode> {
    const subscriptionId = text(requireChild(request.body, NS.MESSAGES, 'SubscriptionId')) ?? '';
    const watermark = text(requireChild(request.body, NS.MESSAGES, 'Watermark')) ?? '';
    let message: ResponseMessageSpec;
    try {
      const result = await this.subscriptions.getEvents(acting, subscriptionId, watermark);
      message = { content: notificationElement(result, (mailbox, kind) => this.folderIds.identity(mailbox, kind)) };
    } catch (error) {
      message = notificationRefusal(error);
    }
    return operationResponse('GetEvents', [message]);
  }
}
