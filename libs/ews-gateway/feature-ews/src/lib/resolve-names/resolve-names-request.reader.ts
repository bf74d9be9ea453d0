import { attr, child, childText, type XmlElement } from '@parley/xml';
import { EwsError, EwsErrorCode, NS } from '@parley/ews-gateway/soap';
import { readFolderTargets, type BaseShape, type FolderTarget } from '../folders/folder-request.reader';

/** `SearchScope` of ResolveNames (types.xsd `ResolveNamesSearchScopeType`). */
export const searchScopes = ['ActiveDirectory', 'ActiveDirectoryContacts', 'Contacts', 'ContactsActiveDirectory'] as const;
export type SearchScope = (typeof searchScopes)[number];

export interface ResolveNamesQuery {
  /** What to look up, without an `SMTP:` routing prefix. */
  readonly entry: string;
  /** The entry named a routing type (`SMTP:a@b.c`): resolve that exact address only. */
  readonly exactAddress: boolean;
  readonly returnFullContactData: boolean;
  readonly searchScope: SearchScope;
  /** How much of a returned contact is written (`ContactDataShape`, absent → Default). */
  readonly contactDataShape: BaseShape;
  /** The contact folders to search (`ParentFolderIds`); empty → the default Contacts folder. */
  readonly parentFolders: readonly FolderTarget[];
}

/** Reads `m:ResolveNames` (ParentFolderIds, UnresolvedEntry; ReturnFullContactData, SearchScope, ContactDataShape). */
export function readResolveNames(request: XmlElement): ResolveNamesQuery {
  const raw = childText(request, NS.MESSAGES, 'UnresolvedEntry');
  if (raw === undefined) throw new EwsError(EwsErrorCode.InvalidValue, "Element 'ResolveNames' must contain an 'UnresolvedEntry' element.");
  const trimmed = raw.trim();
  if (trimmed === '') throw new EwsError(EwsErrorCode.InvalidValue, "Element 'UnresolvedEntry' must not be empty.");
  const smtp = /^smtp:/i.test(trimmed);
  return {
    entry: smtp ? trimmed.slice(5).trim() : trimmed,
    exactAddress: smtp,
    returnFullContactData: readBoolean(attr(request, 'ReturnFullContactData'), 'ReturnFullContactData') ?? false,
    searchScope: readScope(attr(request, 'SearchScope')),
    contactDataShape: readShape(attr(request, 'ContactDataShape')),
    parentFolders: child(request, NS.MESSAGES, 'ParentFolderIds') ? readFolderTargets(request, 'ParentFolderIds') : [],
  };
}

/** `xs:boolean`: true, false, 1, 0 (surrounding whitespace allowed). */
export function readBoolean(value: string | undefined, what: string): boolean | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new EwsError(EwsErrorCode.InvalidValue, `'${v.slice(0, 16)}' is not a valid value for ${what}.`);
}

function readScope(value: string | undefined): SearchScope {
  if (value === undefined) return 'ActiveDirectoryContacts';
  const v = value.trim();
  if (!(searchScopes as readonly string[]).includes(v))
    throw new EwsError(EwsErrorCode.InvalidValue, `'${v.slice(0, 32)}' is not a valid SearchScope.`);
  return v as SearchScope;
}

/** `ContactDataShape` (types.xsd `DefaultShapeNamesType`). */
function readShape(value: string | undefined): BaseShape {
  if (value === undefined) return 'Default';
  const v = value.trim();
  if (v === 'IdOnly' || v === 'Default' || v === 'AllProperties') return v;
  throw new EwsError(EwsErrorCode.InvalidValue, `'${v.slice(0, 32)}' is not a valid ContactDataShape.`);
}
