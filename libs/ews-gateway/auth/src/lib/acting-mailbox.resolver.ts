import { Injectable } from '@nestjs/common';
import { AuthErrorCode, AuthException, ImpersonationPolicy } from '@parley/auth';
import { toMailboxKey } from '@parley/contracts';
import type { DirectoryUser } from '@parley/directory';
import type { Impersonation } from '@parley/ews-gateway/soap';
import { EwsAuthErrorCode, EwsAuthException } from './ews-auth.exception';

/** The identity a request acts as: the caller, or the mailbox it impersonates. */
export interface ActingMailbox {
  readonly caller: DirectoryUser;
  readonly mailbox: DirectoryUser;
  readonly impersonating: boolean;
}

/**
 * The one place in EWS that decides which mailbox a request may touch; every operation goes
 * through it. The rule itself is the shared `ImpersonationPolicy`; this reads EWS's way of naming
 * the target (`ExchangeImpersonation`) and answers in EWS's codes.
 */
@Injectable()
export class ActingMailboxResolver {
  constructor(private readonly policy: ImpersonationPolicy) {}

  async resolve(caller: DirectoryUser, impersonation: Impersonation | undefined): Promise<ActingMailbox> {
    if (!impersonation) return { caller, mailbox: caller, impersonating: false };
    if (impersonation.kind === 'SID') {
      // The directory has no Windows SIDs; a SID can name no mailbox here (told only to holders of the role).
      try {
        this.policy.assertMayImpersonate(caller);
      } catch (error) {
        toEwsRefusal(error);
      }
      throw new EwsAuthException(EwsAuthErrorCode.NonExistentMailbox, 'The impersonated mailbox does not exist (SIDs are not supported).');
    }
    const mailbox = await this.policy.impersonate(caller, impersonation.value).catch(toEwsRefusal);
    return { caller, mailbox, impersonating: true };
  }

  /** Throws `AccessDenied` unless `address` is the acting mailbox (free/busy does not call this). */
  assertOwnMailbox(acting: ActingMailbox, address: string): void {
    if (toMailboxKey(address) !== acting.mailbox.smtpAddress) {
      throw new EwsAuthException(EwsAuthErrorCode.AccessDenied, 'Access is denied. Check credentials and try again.');
    }
  }
}

/** The shared rule's refusals as EWS's request-level codes. */
function toEwsRefusal(error: unknown): never {
  if (!(error instanceof AuthException)) throw error;
  switch (error.code) {
    case AuthErrorCode.ImpersonationDenied:
      throw new EwsAuthException(EwsAuthErrorCode.ImpersonateUserDenied, error.message);
    case AuthErrorCode.UnknownMailbox:
      throw new EwsAuthException(EwsAuthErrorCode.NonExistentMailbox, 'The impersonated mailbox does not exist.');
    case AuthErrorCode.Unauthenticated:
    case AuthErrorCode.Throttled:
    case AuthErrorCode.CsrfRejected:
      throw error;
  }
}
