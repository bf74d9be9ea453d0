import { Injectable } from '@nestjs/common';
import { toMailboxKey } from '@parley/contracts';
import type { Impersonation } from '@parley/ews-gateway/soap';
import { DirectoryRepository, DirectoryUser, Roles } from '@parley/directory';
import { EwsAuthErrorCode, EwsAuthException } from './ews-auth.exception';

/** The identity a request acts as: the caller, or the mailbox it impersonates. */
export interface ActingMailbox {
  readonly caller: DirectoryUser;
  readonly mailbox: DirectoryUser;
  readonly impersonating: boolean;
}

/** The one place that decides which mailbox a request may touch. Every operation goes through it. */
@Injectable()
export class ActingMailboxResolver {
  constructor(private readonly directory: DirectoryRepository) {}

  async resolve(caller: DirectoryUser, impersonation: Impersonation | undefined): Promise<ActingMailbox> {
    if (!impersonation) return { caller, mailbox: caller, impersonating: false };
    // Without the role at all, refuse before looking the target up: no directory probing.
    if (!caller.roles.includes(Roles.applicationImpersonation)) throw denied(caller);
    if (impersonation.kind === 'SID') {
      // The directory has no Windows SIDs; a SID can name no mailbox here.
      throw new EwsAuthException(EwsAuthErrorCode.NonExistentMailbox, 'The impersonated mailbox does not exist (SIDs are not supported).');
    }
    const target = await this.directory.findByAddress(impersonation.value);
    if (!target) throw new EwsAuthException(EwsAuthErrorCode.NonExistentMailbox, 'The impersonated mailbox does not exist.');
    if (!DirectoryRepository.mayImpersonate(caller, target)) throw denied(caller);
    return { caller, mailbox: target, impersonating: true };
  }

  /** Throws `AccessDenied` unless `address` is the acting mailbox (free/busy does not call this). */
  assertOwnMailbox(acting: ActingMailbox, address: string): void {
    if (toMailboxKey(address) !== acting.mailbox.smtpAddress) {
      throw new EwsAuthException(EwsAuthErrorCode.AccessDenied, 'Access is denied. Check credentials and try again.');
    }
  }
}

function denied(caller: DirectoryUser): EwsAuthException {
  return new EwsAuthException(
    EwsAuthErrorCode.ImpersonateUserDenied,
    `The account ${caller.smtpAddress} does not have permission to impersonate the requested user.`,
  );
}
