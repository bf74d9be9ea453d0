import { Injectable } from '@nestjs/common';
import { DirectoryRepository, type DirectoryUser } from '@parley/directory';
import type { XmlNode } from '@parley/ews-gateway/soap';
import type { EwsOperationContext, EwsOperationHandler } from '../ews-operation';
import { readResolveNames, type ResolveNamesQuery } from './resolve-names-request.reader';
import { resolveNamesResponse, type ResolutionOutcome } from './resolve-names-response.writer';

/** Exchange answers at most 100 candidates per ResolveNames. */
export const MAX_RESOLUTIONS = 100;

/**
 * ResolveNames against the directory (the "Active Directory" of this server). The personal
 * contacts folder is empty, so `SearchScope="Contacts"` finds nothing. Any signed-in user may
 * resolve any name in the organisation, as in Exchange.
 */
@Injectable()
export class ResolveNamesHandler implements EwsOperationHandler {
  readonly operation = 'ResolveNames';

  constructor(private readonly directory: DirectoryRepository) {}

  async handle({ request }: EwsOperationContext): Promise<XmlNode> {
    const query = readResolveNames(request.body);
    return resolveNamesResponse(await this.resolve(query));
  }

  private async resolve(query: ResolveNamesQuery): Promise<ResolutionOutcome> {
    const base = { returnFullContactData: query.returnFullContactData, truncated: false };
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
