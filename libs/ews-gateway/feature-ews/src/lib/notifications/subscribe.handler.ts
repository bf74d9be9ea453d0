import { Injectable } from '@nestjs/common';
import { NS, operationResponse, type ResponseMessageSpec } from '@parley/ews-gateway/soap';
import { el, type XmlNode } from '@parley/xml';
import type { EwsOperationContext, EwsOperationHandler } from '../ews-operation';
import { encodeSubscriptionId, encodeWatermark } from './notification-ids';
import { notificationRefusal } from './notification.exception';
import { NotificationSubscriptions } from './notification-subscriptions.service';
import { readSubscribeRequest } from './subscription-request.reader';

/** Subscribe: a pull, push or streaming subscription; the answer carries its id and (pull, push) its starting watermark. */
@Injectable()
export class SubscribeHandler implements EwsOperationHandler {
  readonly operation = 'Subscribe';

  constructor(private readonly subscriptions: NotificationSubscriptions) {}

  async handle({ request, acting }: EwsOperationContext): Promise<XmlNode> {
    let message: ResponseMessageSpec;
    try {
      const subscribe = readSubscribeRequest(request.body);
      const { id, watermark } = await this.subscriptions.subscribe(acting, subscribe);
      message = {
        content: [
          el(NS.MESSAGES, 'SubscriptionId', {}, encodeSubscriptionId(id)),
          subscribe.kind !== 'streaming' && el(NS.MESSAGES, 'Watermark', {}, encodeWatermark(watermark)),
        ],
      };
    } catch (error) {
      message = notificationRefusal(error);
    }
    return operationResponse('Subscribe', [message]);
  }
}
