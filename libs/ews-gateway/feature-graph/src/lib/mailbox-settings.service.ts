import { Injectable } from '@nestjs/common';
import { AuthErrorCode, AuthException, ImpersonationPolicy } from '@parley/auth';
import { CommandErrorCodes, type OofSettings } from '@parley/contracts';
import { DirectoryRepository, type DirectoryUser } from '@parley/directory';
import { OofClient } from '@parley/ews-gateway/feature-ews';
import {
  accessDenied,
  type AutomaticRepliesSettingPatch,
  badRequest,
  GraphErrorCode,
  GraphRequestError,
  userNotFound,
} from '@parley/graph';
import { CommandRefusedError, CommandTimeoutError } from '@parley/messaging';
import { applyAutomaticRepliesPatch } from './automatic-replies.mapping';

/** How long a client should wait after calendar-sync did not answer in time (as EWS tells its clients). */
const OWNER_TIMEOUT_RETRY_SECONDS = 2;

/** A mailbox's automatic replies and the directory user it belongs to. */
export interface MailboxAutomaticReplies {
  user: DirectoryUser;
  settings: OofSettings;
}

/**
 * Graph's mailbox settings over the gateway's OOF port (`OofClient`, shared with EWS): reads from
 * this replica's read model (read-your-writes after its own writes), writes as calendar-sync's OOF
 * set command — the path EWS SetUserOofSettings takes. Own mailbox always; another's by the
 * impersonation rule (`ImpersonationPolicy`), checked before the target is looked up.
 */
@Injectable()
export class MailboxSettingsService {
  constructor(
    private readonly oof: OofClient,
    private readonly directory: DirectoryRepository,
    private readonly impersonation: ImpersonationPolicy,
  ) {}

  async automaticReplies(caller: DirectoryUser, key: string): Promise<MailboxAutomaticReplies> {
    const user = await this.mailboxOf(caller, key);
    const view = await this.oof.get(user.smtpAddress).catch(ownerRefusal);
    return { user, settings: view.settings };
  }

  /**
   * Applies `patch` to the stored settings (read from calendar-sync itself: a read-modify-write
   * should not start from a replica's possibly lagging copy) and writes the result; answers it.
   */
  async updateAutomaticReplies(caller: DirectoryUser, key: string, patch: AutomaticRepliesSettingPatch): Promise<MailboxAutomaticReplies> {
    const user = await this.mailboxOf(caller, key);
    if (Object.keys(patch).length === 0) return { user, settings: (await this.oof.get(user.smtpAddress).catch(ownerRefusal)).settings };
    const current = await this.oof.fetch(user.smtpAddress).catch(ownerRefusal);
    const next = applyAutomaticRepliesPatch(current.settings, patch);
    const view = await this.oof.set(user.smtpAddress, next).catch(ownerRefusal);
    return { user, settings: view.settings };
  }

  /** The mailbox `key` (SMTP address or object id) names, if `caller` may act on it: 403 without the right, 404 for nobody. */
  private async mailboxOf(caller: DirectoryUser, key: string): Promise<DirectoryUser> {
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

/** calendar-sync's refusals as Graph errors: no answer in time is 503 with Retry-After (clients retry), invalid settings 400. */
function ownerRefusal(error: unknown): never {
  if (error instanceof CommandTimeoutError) {
    throw new GraphRequestError(503, GraphErrorCode.ServiceNotAvailable, 'The mailbox settings did not answer in time; retry later.', {
      'Retry-After': String(OWNER_TIMEOUT_RETRY_SECONDS),
    });
  }
  if (error instanceof CommandRefusedError && error.code === CommandErrorCodes.invalidRequest) {
    throw badRequest('The automatic replies settings are not valid.');
  }
  throw error;
}
