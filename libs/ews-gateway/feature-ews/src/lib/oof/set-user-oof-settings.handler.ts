import { Injectable } from '@nestjs/common';
import { DISABLED_OOF_SETTINGS } from '@parley/contracts';
import { ActingMailboxResolver } from '@parley/ews-gateway/auth';
import type { XmlNode } from '@parley/xml';
import type { EwsOperationContext, EwsOperationHandler } from '../ews-operation';
import { oofErrorMessage } from './oof-error.mapper';
import { applyOofChange, isCompleteChange, readOofChange, readOofMailbox } from './oof-request.reader';
import { setUserOofSettingsResponse } from './oof-response.writer';
import { OofClient } from './oof.client';

@Injectable()
export class SetUserOofSettingsHandler implements EwsOperationHandler {
  readonly operation = 'SetUserOofSettingsRequest';

  constructor(
    private readonly oof: OofClient,
    private readonly acting: ActingMailboxResolver,
  ) {}

  async handle({ request, acting }: EwsOperationContext): Promise<XmlNode> {
    const address = readOofMailbox(request.body);
    const change = readOofChange(request.body);
    try {
      this.acting.assertOwnMailbox(acting, address);
      const mailbox = acting.mailbox.smtpAddress;
      // Only a partial change needs the stored settings (one more round trip, to the owner: a
      // read-modify-write should not start from a replica's possibly lagging copy).
      const current = isCompleteChange(change) ? DISABLED_OOF_SETTINGS : (await this.oof.fetch(mailbox)).settings;
      const next = applyOofChange(current, change);
      if (next.state === 'Scheduled' && (next.startTime === null || next.endTime === null)) {
        return setUserOofSettingsResponse({
          responseCode: 'ErrorInvalidRequest',
          messageText: 'Scheduled out-of-office settings need a Duration.',
        });
      }
      await this.oof.set(mailbox, next);
      return setUserOofSettingsResponse();
    } catch (error) {
      return setUserOofSettingsResponse(oofErrorMessage(error));
    }
  }
}
