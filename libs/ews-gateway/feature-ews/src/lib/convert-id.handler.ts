import { Injectable } from '@nestjs/common';
import { children, EwsError, EwsErrorCode, EwsResponseCode, NS, operationResponse, requireChild, type XmlNode } from '@parley/ews-gateway/soap';
import type { EwsOperationContext, EwsOperationHandler } from './ews-operation';

/**
 * ConvertId. Parley has no item ids to convert yet, so every id is answered with a per-item
 * `ErrorInvalidIdMalformed`: enough for clients that probe with a dummy id to read
 * ServerVersionInfo from a well-formed response.
 */
@Injectable()
export class ConvertIdHandler implements EwsOperationHandler {
  readonly operation = 'ConvertId';

  async handle({ request }: EwsOperationContext): Promise<XmlNode> {
    const ids = children(requireChild(request.body, NS.MESSAGES, 'SourceIds'), NS.TYPES);
    if (ids.length === 0) throw new EwsError(EwsErrorCode.InvalidValue, "Element 'SourceIds' must contain at least one id.");
    return operationResponse(
      'ConvertId',
      ids.map(() => ({ responseCode: EwsResponseCode.ErrorInvalidIdMalformed, messageText: 'Id is malformed.' })),
    );
  }
}
