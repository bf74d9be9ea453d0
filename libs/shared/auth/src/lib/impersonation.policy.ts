import { Injectable } from '@nestjs/common';
import { toMailboxKey } from '@parley/contracts';
import { DirectoryRepository, DirectoryUser, Roles } from '@parley/directory';
import { AuthErrorCode, AuthException } from './auth.exception';

/**
 * The one rule for acting on a mailbox other than one's own, whatever the protocol: the
 * ApplicationImpersonation role, within its scope (none: every mailbox). Fronts parse their own
 * way of naming the target (an EWS SOAP header, a Graph path) and map the refusals to their answers.
 */
@Injectable()
export class ImpersonationPolicy {
  constructor(private readonly directory: DirectoryRepository) {}

  /**
   * The mailbox `caller` acts for when it impersonates `address` (its own included: impersonating
   * needs the role even then, as Exchange has it). Throws `AuthException` `ImpersonationDenied`
   * or, only to holders of the role, `UnknownMailbox`.
   */
  async impersonate(caller: DirectoryUser, address: string): Promise<DirectoryUser> {
    this.assertMayImpersonate(caller);
    const target = await this.directory.findByAddress(address);
    if (!target) throw new AuthException(AuthErrorCode.UnknownMailbox, 'The mailbox does not exist.');
    if (!DirectoryRepository.mayImpersonate(caller, target)) throw denied(caller);
    return target;
  }

  /**
   * Throws `ImpersonationDenied` unless `caller` holds the role at all: checked before the target
   * is looked up, so that callers without it cannot probe the directory.
   */
  assertMayImpersonate(caller: DirectoryUser): void {
    if (!caller.roles.includes(Roles.applicationImpersonation)) throw denied(caller);
  }

  /** The mailbox at `address` if `caller` may act on it: its own always, another's by impersonation. */
  async actFor(caller: DirectoryUser, address: string): Promise<DirectoryUser> {
    return toMailboxKey(address) === caller.smtpAddress ? caller : this.impersonate(caller, address);
  }
}

function denied(caller: DirectoryUser): AuthException {
  return new AuthException(
    AuthErrorCode.ImpersonationDenied,
    `The account ${caller.smtpAddress} does not have permission to impersonate the requested user.`,
  );
}
