import { Injectable } from '@nestjs/common';
import { CommandErrorCodes, type OofSettings } from '@parley/contracts';
import type { DirectoryUser } from '@parley/directory';
import { OofClient } from '@parley/ews-gateway/feature-ews';
import { type AutomaticRepliesSettingPatch, badRequest } from '@parley/graph';
import { CommandRefusedError } from '@parley/messaging';
import { applyAutomaticRepliesPatch } from './automatic-replies.mapping';
import { GraphMailboxAccess, ownerTimeout } from './mailbox-access';

/** A mailbox's automatic replies and the directory user it belongs to. */
export interface MailboxAutomaticReplies {
  user: DirectoryUser;
  settings: OofSettings;
}

/**
 * Graph's mailbox settings over the gateway's OOF port (`OofClient`, shared with EWS): reads from
 * this replica's read model (read-your-writes after its own writes), writes as calendar-sync's OOF
 * set command — the path EWS SetUserOofSettings takes. Whose mailbox: `GraphMailboxAccess`.
 */
@Injectable()
export class MailboxSettingsService {
  constructor(
    private readonly oof: OofClient,
    private readonly access: GraphMailboxAccess,
  ) {}

  async automaticReplies(caller: DirectoryUser, key: string): Promise<MailboxAutomaticReplies> {
    const user = await this.access.mailboxOf(caller, key);
    const view = await this.oof.get(user.smtpAddress).catch(ownerRefusal);
    return { user, settings: view.settings };
  }

  /**
   * Applies `patch` to the stored settings (read from calendar-sync itself: a read-modify-write
   * should not start from a replica's possibly lagging copy) and writes the result; answers it.
   */
  async updateAutomaticReplies(caller: DirectoryUser, key: string, patch: AutomaticRepliesSettingPatch): Promise<MailboxAutomaticReplies> {
    const user = await this.access.mailboxOf(caller, key);
    if (Object.keys(patch).length === 0) return { user, settings: (await this.oof.get(user.smtpAddress).catch(ownerRefusal)).settings };
    const current = await this.oof.fetch(user.smtpAddress).catch(ownerRefusal);
    const next = applyAutomaticRepliesPatch(current.settings, patch);
    const view = await this.oof.set(user.smtpAddress, next).catch(ownerRefusal);
    return { user, settings: view.settings };
  }
}

/** calendar-sync's refusals as Graph errors: no answer in time is 503 with Retry-After (clients retry), invalid settings 400. */
function ownerRefusal(error: unknown): never {
  const timeout = ownerTimeout(error, 'The mailbox settings');
  if (timeout) throw timeout;
  if (error instanceof CommandRefusedError && error.code === CommandErrorCodes.invalidRequest) {
    throw badRequest('The automatic replies settings are not valid.');
  }
  throw error;
}
