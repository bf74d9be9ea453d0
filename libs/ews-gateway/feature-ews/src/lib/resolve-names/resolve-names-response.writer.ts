import { el, type XmlNode } from '@parley/xml';
import { EwsResponseCode, NS, operationResponse, type ResponseMessageSpec } from '@parley/ews-gateway/soap';
import type { BaseShape } from '../folders/folder-request.reader';

/** One directory entry as ResolveNames shows it. */
export interface ResolvedName {
  readonly displayName: string;
  readonly smtpAddress: string;
  readonly sipUri: string | null;
  readonly phoneExtension: string | null;
}

export interface ResolutionOutcome {
  readonly resolutions: readonly ResolvedName[];
  /** Whether the lookup stopped at its bound (there may be more matches). */
  readonly truncated: boolean;
  /**
   * How much of each entry's `t:Contact` to write: undefined (ReturnFullContactData false) → none;
   * IdOnly → an empty `t:Contact` (a directory entry has no item id, and the schema requires no
   * child); Default and AllProperties → everything the directory holds.
   */
  readonly contactData: BaseShape | undefined;
}

/**
 * `m:ResolveNamesResponse`: none → `ErrorNameResolutionNoResults` (Error); one → Success;
 * several → `ErrorNameResolutionMultipleResults` with ResponseClass Warning and every candidate.
 */
export function resolveNamesResponse(outcome: ResolutionOutcome): XmlNode {
  return operationResponse('ResolveNames', [resolveNamesMessage(outcome)]);
}

function resolveNamesMessage({ resolutions, truncated, contactData }: ResolutionOutcome): ResponseMessageSpec {
  if (resolutions.length === 0) {
    return { responseCode: EwsResponseCode.ErrorNameResolutionNoResults, messageText: 'No results were found.' };
  }
  const content = el(
    NS.MESSAGES,
    'ResolutionSet',
    { TotalItemsInView: resolutions.length, IncludesLastItemInRange: !truncated },
    resolutions.map((r) => resolution(r, contactData)),
  );
  if (resolutions.length === 1) return { content };
  return {
    responseCode: EwsResponseCode.ErrorNameResolutionMultipleResults,
    responseClass: 'Warning',
    messageText: 'Multiple results were found.',
    content,
  };
}

// types.xsd order: EmailAddressType (Name, EmailAddress, RoutingType, MailboxType); ContactItemType
// (… DisplayName …, EmailAddresses, PhysicalAddresses, PhoneNumbers, …, ContactSource, Department,
// Generation, ImAddresses, …).
function resolution(r: ResolvedName, contactData: BaseShape | undefined): XmlNode {
  const t = (local: string, content?: Parameters<typeof el>[3], attrs = {}) => el(NS.TYPES, local, attrs, content);
  return t('Resolution', [
    t('Mailbox', [t('Name', r.displayName), t('EmailAddress', r.smtpAddress), t('RoutingType', 'SMTP'), t('MailboxType', 'Mailbox')]),
    contactData === 'IdOnly' && t('Contact'),
    (contactData === 'Default' || contactData === 'AllProperties') &&
      t('Contact', [
        t('DisplayName', r.displayName),
        t('EmailAddresses', t('Entry', `SMTP:${r.smtpAddress}`, { Key: 'EmailAddress1' })),
        r.phoneExtension !== null && t('PhoneNumbers', t('Entry', r.phoneExtension, { Key: 'BusinessPhone' })),
        t('ContactSource', 'ActiveDirectory'),
        r.sipUri !== null && t('ImAddresses', t('Entry', r.sipUri, { Key: 'ImAddress1' })),
      ]),
  ]);
}
