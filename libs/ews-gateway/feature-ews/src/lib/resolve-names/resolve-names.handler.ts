import { Injectable } from '@nestjs/common';
import { DirectoryRepository, type DirectoryUser } from '@parley/directory';
import type { ActingMailbox } from '@parley/ews-gateway/auth';
import { type XmlNode } from '@parley/xml';
import { EwsResponseCode, operationResponse, type ErrorMessageSpec } from '@parley/ews-gateway/soap';
import type { EwsOperationContext, EwsOperationHandler } from '../ews-operation';
import type { FolderTarget } from '../folders/folder-request.reader';
import { MailboxFolders } from '../folders/mailbox-folders.service';
import { readResolveNames, type ResolveNamesQuery } from './resolve-names-request.reader';
import { resolveNamesResponse, type ResolutionOutcome } from './resolve-names-response.writer';

/** Exchange answers at most 100 candidates per ResolveNames. */
export const MAX_RESOLUTIONS = 100;

/**
 * ResolveNames against the directory (the "Active Directory" of this server). The personal
 * contacts folder is empty, so `SearchScope="Contacts"` finds nothing and the two mixed scopes
 * find what the directory finds. `ParentFolderIds` may name one folder, the mailbox's Contacts
 * folder; any other is `ErrorInvalidFolderId`. Any signed-in user may resolve any name in the
 * organisation, as in Exchange.
 */
@Injectable()
export class ResolveNamesHandler implements EwsOperationHandler {
  readonly operation = 'ResolveNames';

  constructor(
    private readonly directory: DirectoryRepository,
    private readonly folders: MailboxFolders,
  ) {}

  async handle({ request, acting }: EwsOperationContext): Promise<XmlNode> {
    const query = readResolveNames(request.body);
    const folderError = this.checkContactFolders(acting, query.parentFolders);
    if (folderError) return operationResponse('ResolveNames', [folderError]);
    return resolveNamesResponse(await this.resolve(query));
  }

  /** The schema allows several ids; Exchange searches one contacts folder. */
  private checkContactFolders(acting: ActingMailbox, targets: readonly FolderTarget[]): ErrorMessageSpec | undefined {
    if (targets.length > 1) return invalidFolder('ResolveNames searches a single contacts folder.');
    for (const target of targets) {
      const resolved = this.folders.resolve(acting, target);
      if ('error' in resolved) return resolved.error;
      if (resolved.kind !== 'contacts') return invalidFolder('The folder is not a contacts folder.');
    }
    return undefined;
  }

  private async resolve(query: ResolveNamesQuery): Promise<ResolutionOutcome> {
    const base = { contactData: query.returnFullContactData ? query.contactDataShape : undefined, truncated: false };
    if (query.searchScope === 'Contacts') return { ...base, resolutions: [] };
    // A complete address resolves to that mailbox alone, even when it also prefixes others.
    const exact = query.entry.includes('@') ? await this.directory.findByAddress(query.entry) : null;
    if (exact || query.exactAddress) return { ...base, resolutions: exact ? [resolved(exact)] : [] };
    const found = await this.directory.search(query.entry, MAX_RESOLUTIONS + 1);
    return { ...base, truncated: found.length > MAX_RESOLUTIONS, resolutions: found.slice(0, MAX_RESOLUTIONS).map(resolved) };
  }
}

function resolved(user: DirectoryUser) {
  return { displayName: user.displayName, smtpAddress: user.smtpAddress, sipUri: user.sipUri, phoneExtension: user.phoneExtension };
}

function invalidFolder(messageText: string): ErrorMessageSpec {
  return { responseCode: EwsResponseCode.ErrorInvalidFolderId, messageText };
}
