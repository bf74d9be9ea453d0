import { Injectable } from '@nestjs/common';
import { AuthErrorCode, AuthException, ImpersonationPolicy } from '@parley/auth';
import { DirectoryRepository, type DirectoryUser } from '@parley/directory';
import { accessDenied, GraphErrorCode, GraphRequestError, userNotFound } from '@parley/graph';
import { CommandTimeoutError } from '@parley/messaging';

/** How long a client should wait after an owning service did not answer in time (as EWS tells its clients). */
const OWNER_TIMEOUT_RETRY_SECONDS = 2;

/**
 * Whose mailbox a request of the mailbox part acts on: the caller's own always; another user's
 * (by SMTP address or object id) only by the impersonation rule (`ImpersonationPolicy`), checked
 * before the target is looked up, so that only holders of the role learn whether a mailbox exists.
 */
@Injectable()
export class GraphMailboxAccess {
  constructor(
    private readonly directory: DirectoryRepository,
    private readonly impersonation: ImpersonationPolicy,
  ) {}

  /** The mailbox `key` names, if `caller` may act on it: 403 without the right, 404 for nobody. */
  async mailboxOf(caller: DirectoryUser, key: string): Promise<DirectoryUser> {
    const wanted = key.trim().toLowerCase();
    if (wanted === caller.smtpAddress || wanted === caller.id) return caller;
    try {
      this.impersonation.assertMayImpersonate(caller);
      const [user] = await this.directory.findByKeys([key]);
      if (!user) throw userNotFound(key);
      return await this.impersonation.actFor(caller, user.smtpAddress);
    } catch (error) {
      if (!(error instanceof AuthException)) throw error;
      if (error.code === AuthErrorCode.UnknownMailbox) throw userNotFound(key);
      throw accessDenied();
    }
  }
}

/** An owning service that did not answer in time: 503 with Retry-After (Graph's clients retry it). */
export function ownerTimeout(error: unknown, what: string): GraphRequestError | undefined {
  if (!(error instanceof CommandTimeoutError)) return undefined;
  return new GraphRequestError(503, GraphErrorCode.ServiceNotAvailable, `${what} did not answer in time; retry later.`, {
    'Retry-After': String(OWNER_TIMEOUT_RETRY_SECONDS),
  });
}
