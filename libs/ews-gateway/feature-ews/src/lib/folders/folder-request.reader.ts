import { attr, child, children, childText, type XmlElement } from '@parley/xml';
import { EwsError, EwsErrorCode, NS, requireChild } from '@parley/ews-gateway/soap';

export type BaseShape = 'IdOnly' | 'Default' | 'AllProperties';

/** A MAPI property asked for by tag (`t:ExtendedFieldURI PropertyTag=…`), echoed as given. */
export interface ExtendedFieldRequest {
  readonly tag: number | undefined;
  readonly attrs: Readonly<Record<string, string>>;
}

export interface FolderShape {
  readonly baseShape: BaseShape;
  /** `folder:DisplayName` etc. from `t:FieldURI`. */
  readonly fields: ReadonlySet<string>;
  readonly extended: readonly ExtendedFieldRequest[];
}

/** How a request names a folder. */
export type FolderTarget =
  | { readonly kind: 'distinguished'; readonly name: string; readonly mailbox: string | undefined }
  | { readonly kind: 'id'; readonly id: string };

export function readFolderShape(request: XmlElement): FolderShape {
  const shape = requireChild(request, NS.MESSAGES, 'FolderShape');
  const base = childText(shape, NS.TYPES, 'BaseShape')?.trim();
  if (base !== 'IdOnly' && base !== 'Default' && base !== 'AllProperties') {
    throw new EwsError(EwsErrorCode.InvalidValue, "Element 'FolderShape' must contain a 'BaseShape' of IdOnly, Default or AllProperties.");
  }
  const additional = child(shape, NS.TYPES, 'AdditionalProperties');
  const fields = new Set(children(additional, NS.TYPES, 'FieldURI').map((f) => (attr(f, 'FieldURI') ?? '').trim()));
  const extended = children(additional, NS.TYPES, 'ExtendedFieldURI').map((f) => ({
    tag: propertyTag(attr(f, 'PropertyTag')),
    attrs: { ...f.attrs },
  }));
  return { baseShape: base, fields, extended };
}

/** `0x3602` or `13826`; undefined for named properties and anything unreadable (silently ignored). */
function propertyTag(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  const n = /^0x[0-9a-f]{1,4}$/i.test(v) ? parseInt(v.slice(2), 16) : /^\d{1,5}$/.test(v) ? Number(v) : NaN;
  return Number.isInteger(n) && n <= 0xffff ? n : undefined;
}

/** The folder ids in `FolderIds` / `ParentFolderIds`: `t:FolderId` or `t:DistinguishedFolderId` (+ `t:Mailbox`). */
export function readFolderTargets(request: XmlElement, container: 'FolderIds' | 'ParentFolderIds'): FolderTarget[] {
  const ids = children(requireChild(request, NS.MESSAGES, container), NS.TYPES);
  if (ids.length === 0) throw new EwsError(EwsErrorCode.InvalidValue, `Element '${container}' must contain at least one folder id.`);
  return ids.map((id): FolderTarget => {
    if (id.local === 'FolderId') return { kind: 'id', id: attr(id, 'Id') ?? '' };
    if (id.local === 'DistinguishedFolderId') {
      const name = attr(id, 'Id');
      if (name === undefined) throw new EwsError(EwsErrorCode.InvalidValue, "Element 'DistinguishedFolderId' must have an 'Id' attribute.");
      const mailbox = childText(child(id, NS.TYPES, 'Mailbox'), NS.TYPES, 'EmailAddress')?.trim();
      return { kind: 'distinguished', name, mailbox: mailbox === '' ? undefined : mailbox };
    }
    throw new EwsError(EwsErrorCode.InvalidValue, `Element '${id.local.slice(0, 64)}' is not a folder id.`);
  });
}

export type Traversal = 'Shallow' | 'Deep' | 'SoftDeleted';

export interface FolderPage {
  readonly maxEntries: number | undefined;
  readonly offset: number;
  readonly fromEnd: boolean;
}

export function readTraversal(request: XmlElement): Traversal {
  const value = attr(request, 'Traversal')?.trim();
  if (value === 'Shallow' || value === 'Deep' || value === 'SoftDeleted') return value;
  throw new EwsError(EwsErrorCode.InvalidValue, "Attribute 'Traversal' must be Shallow, Deep or SoftDeleted.");
}

/** `m:IndexedPageFolderView` (MaxEntriesReturned, Offset, BasePoint); absent → everything. */
export function readFolderPage(request: XmlElement): FolderPage {
  const view = child(request, NS.MESSAGES, 'IndexedPageFolderView');
  if (!view) return { maxEntries: undefined, offset: 0, fromEnd: false };
  const max = attr(view, 'MaxEntriesReturned');
  const basePoint = attr(view, 'BasePoint')?.trim();
  if (basePoint !== 'Beginning' && basePoint !== 'End')
    throw new EwsError(EwsErrorCode.InvalidValue, "Attribute 'BasePoint' must be Beginning or End.");
  return {
    maxEntries: max === undefined ? undefined : nonNegative(max, 'MaxEntriesReturned', 1),
    offset: nonNegative(attr(view, 'Offset') ?? '', 'Offset', 0),
    fromEnd: basePoint === 'End',
  };
}

function nonNegative(value: string, what: string, min: number): number {
  const v = value.trim();
  const n = /^\d{1,9}$/.test(v) ? Number(v) : NaN;
  if (!(n >= min)) throw new EwsError(EwsErrorCode.InvalidValue, `Attribute '${what}' must be an integer of at least ${min}.`);
  return n;
}
