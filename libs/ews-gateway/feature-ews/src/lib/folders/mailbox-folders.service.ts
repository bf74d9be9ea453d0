import { Injectable } from '@nestjs/common';
import { toMailboxKey } from '@parley/contracts';
import { ActingMailboxResolver, EwsAuthErrorCode, EwsAuthException, type ActingMailbox } from '@parley/ews-gateway/auth';
import { EwsResponseCode, type ErrorMessageSpec } from '@parley/ews-gateway/soap';
import { FolderIds } from './folder-ids';
import type { FolderTarget } from './folder-request.reader';
import type { FolderView } from './folder-response.writer';
import { childFolders, descendantFolders, distinguishedFolderKind, EMPTY_FOLDER, folderSpec, type FolderKind } from './mailbox-folders';

export type FolderResolution = { readonly kind: FolderKind } | { readonly error: ErrorMessageSpec };

/** Resolves folder ids and distinguished names in the acting mailbox and builds what responses show. */
@Injectable()
export class MailboxFolders {
  constructor(
    private readonly ids: FolderIds,
    private readonly acting: ActingMailboxResolver,
  ) {}

  resolve(acting: ActingMailbox, target: FolderTarget): FolderResolution {
    const mailbox = acting.mailbox.smtpAddress;
    if (target.kind === 'id') {
      const found = this.ids.lookup(mailbox, target.id);
      if ('kind' in found) return found;
      if (found.error === 'malformed') return { error: { responseCode: EwsResponseCode.ErrorInvalidIdMalformed, messageText: 'Id is malformed.' } };
      return { error: folderNotFound() };
    }
    if (target.mailbox !== undefined) {
      try {
        this.acting.assertOwnMailbox(acting, toMailboxKey(target.mailbox));
      } catch (error) {
        if (error instanceof EwsAuthException && error.code === EwsAuthErrorCode.AccessDenied) {
          return { error: { responseCode: EwsResponseCode.ErrorAccessDenied, messageText: error.message } };
        }
        throw error;
      }
    }
    const kind = distinguishedFolderKind(target.name);
    return kind ? { kind } : { error: folderNotFound() };
  }

  view(acting: ActingMailbox, kind: FolderKind): FolderView {
    const mailbox = acting.mailbox.smtpAddress;
    const spec = folderSpec(kind);
    return {
      spec,
      identity: this.ids.identity(mailbox, kind),
      parent: spec.parent && this.ids.identity(mailbox, spec.parent),
      childFolderCount: childFolders(kind).length,
      counts: EMPTY_FOLDER,
    };
  }

  descendants(acting: ActingMailbox, kind: FolderKind, deep: boolean): FolderView[] {
    return descendantFolders(kind, deep).map((spec) => this.view(acting, spec.kind));
  }
}

function folderNotFound(): ErrorMessageSpec {
  return { responseCode: EwsResponseCode.ErrorFolderNotFound, messageText: 'The specified folder could not be found in the store.' };
}
