import { Injectable } from '@nestjs/common';
import { ActingMailboxResolver } from '@parley/ews-gateway/auth';
import type { XmlNode } from '@parley/xml';
import type { EwsOperationContext, EwsOperationHandler } from '../ews-operation';
import { oofErrorMessage } from './oof-error.mapper';
import { readOofMailbox } from './oof-request.reader';
import { getUserOofSettingsResponse } from './oof-response.writer';
import { OofClient } from './oof.client';

@Injectable()
export class GetUserOofSettingsHandler implements EwsOperationHandler {
  readonly operation = 'GetUserOofSettingsRequest';

  constructor(
    private readonly oof: OofClient,
    private readonly acting: ActingMailboxResolver,
  ) {}

  async handle({ request, acting }: EwsOperationContext): Promise<XmlNode> {
    const address = readOofMailbox(request.body);
    try {
      this.acting.assertOwnMailbox(acting, address);
      return getUserOofSettingsResponse({ view: await this.oof.get(acting.mailbox.smtpAddress) });
    } catch (error) {
      return getUserOofSettingsResponse({ error: oofErrorMessage(error) });
    }
  }
}
