import { Injectable } from '@nestjs/common';
import { el, type XmlNode } from '@parley/xml';
import { EwsResponseCode, NS, operationResponse } from '@parley/ews-gateway/soap';
import type { EwsOperationContext, EwsOperationHandler } from '../ews-operation';
import { itemIdElements } from '../calendar/calendar-request.reader';

/**
 * CopyItem: Parley keeps one copy of each item (an item's id is its identity across folders), so
 * every id is refused on its own — a per-item error the client can show, not an unknown-operation
 * fault that fails the whole request.
 */
@Injectable()
export class CopyItemHandler implements EwsOperationHandler {
  readonly operation = 'CopyItem';

  async handle({ request }: EwsOperationContext): Promise<XmlNode> {
    const refusal = {
      responseCode: EwsResponseCode.ErrorInvalidOperation,
      messageText: 'Parley does not copy items: each item exists once.',
      content: el(NS.MESSAGES, 'Items'),
    } as const;
    return operationResponse(
      'CopyItem',
      itemIdElements(request.body).map(() => refusal),
    );
  }
}
