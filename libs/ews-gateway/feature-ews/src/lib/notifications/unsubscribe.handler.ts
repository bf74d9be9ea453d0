import { Injectable } from '@nestjs/common';
import { NS, operationResponse, requireChild, type ResponseMessageSpec } from '@parley/ews-gateway/soap';
import { text, type XmlNode } from '@parley/xml';
import type { EwsOperationContext, EwsOperationHandler } from '../ews-operation';
import { notificationRefusal } from './notification.exception';
import { NotificationSubscriptions } from './notification-subscriptions.service';

/** Unsubscribe: ends a subscription of any kind, on whichever replica it was made. */
@Injectable()
export class UnsubscribeHandler implements EwsOperationHandler {
  readonly operation = 'Unsubscribe';

  constructor(private readonly subscriptions: NotificationSubscriptions) {}

  async handle({ request, acting }: EwsOperationContext): Promise<XmlNode> {
    const subscriptionId = text(requireChild(request.body, NS.MESSAGES, 'SubscriptionId')) ?? '';
    let message: ResponseMessageSpec = {};
    try {
      await this.subscriptions.unsubscribe(acting, subscriptionId);
    } catch (error) {
      message = notificationRefusal(error);
    }
    return operationResponse('Unsubscribe', [message]);
  }
}
