import { Injectable } from '@nestjs/common';
import { AuthException, ImpersonationPolicy } from '@parley/auth';
import { toMailboxKey } from '@parley/contracts';
import type { DirectoryUser } from '@parley/directory';

/**
 * Who an authenticated SMTP client may send as (MAIL FROM and the From/Sender header fields): its
 * own address always; another mailbox's only with a grant, which is the directory's one grant to
 * act for others — the ApplicationImpersonation role, within its scope (the rule EWS impersonation
 * follows). An address that is no Parley mailbox is never granted.
 */
@Injectable()
export class SendAsPolicy {
  constructor(private readonly impersonation: ImpersonationPolicy) {}

  async maySendAs(caller: DirectoryUser, address: string): Promise<boolean> {
    if (address.trim() === '') return false;
    if (toMailboxKey(address) === caller.smtpAddress) return true;
    try {
      await this.impersonation.actFor(caller, address);
      return true;
    } catch (error) {
      if (error instanceof AuthException) return false;
      throw error;
    }
  }
}
