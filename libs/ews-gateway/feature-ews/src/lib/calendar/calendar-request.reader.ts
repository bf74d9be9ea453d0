import type { CalendarItemTarget } from '@parley/contracts';
import { attr, child, childText, type XmlElement } from '@parley/xml';
import { EwsError, EwsErrorCode, NS, requireChild } from '@parley/ews-gateway/soap';
import { BASE_SHAPES } from './calendar-item.writer';
import { CalendarItemException } from './calendar.exception';
import { oneOf } from './calendar-item.reader';

/** `ItemShape`: the BaseShape's fields plus the AdditionalProperties Parley knows (others are left out silently). */
export function readItemShape(request: XmlElement): ReadonlySet<string> {
  const shape = requireChild(request, NS.MESSAGES, 'ItemShape');
  const base = oneOf(requireChild(shape, NS.TYPES, 'BaseShape').text, ['IdOnly', 'Default', 'AllProperties'] as const, 'BaseShape');
  const fields = new Set(BASE_SHAPES[base]);
  for (const property of child(shape, NS.TYPES, 'AdditionalProperties')?.children ?? []) {
    if (property.ns === NS.TYPES && property.local === 'FieldURI') {
      const uri = attr(property, 'FieldURI')?.trim();
      if (uri) fields.add(uri);
    }
  }
  return fields;
}

/** A folder named in a request: distinguished (optionally in another mailbox) or by id. */
export type FolderRef =
  | { readonly kind: 'distinguished'; readonly id: string; readonly mailbox: string | undefined }
  | { readonly kind: 'id'; readonly id: string };

export function readFolderRef(folder: XmlElement): FolderRef {
  if (folder.local === 'DistinguishedFolderId') {
    const id = attr(folder, 'Id')?.trim();
    if (!id) throw new EwsError(EwsErrorCode.InvalidValue, "The 'DistinguishedFolderId' element needs an 'Id' attribute.");
    const address = childText(child(folder, NS.TYPES, 'Mailbox'), NS.TYPES, 'EmailAddress')?.trim();
    return { kind: 'distinguished', id, mailbox: address || undefined };
  }
  if (folder.local === 'FolderId') {
    const id = attr(folder, 'Id')?.trim();
    if (!id) throw new EwsError(EwsErrorCode.InvalidValue, "The 'FolderId' element needs an 'Id' attribute.");
    return { kind: 'id', id };
  }
  throw new EwsError(EwsErrorCode.InvalidValue, `'${folder.local.slice(0, 40)}' is not a folder id.`);
}

/** Folder ids in a container (`ParentFolderIds`, `SavedItemFolderId`, …), in request order. */
export function readFolderRefs(container: XmlElement): FolderRef[] {
  return container.children.filter((c) => c.ns === NS.TYPES).map(readFolderRef);
}

/** An item id of the request (`BaseItemIdType`): the calendar target plus the client's change key. */
export interface ItemIdRef {
  readonly target: CalendarItemTarget;
  readonly changeKey: string | undefined;
}

/** `t:ItemId`, `t:OccurrenceItemId` or `t:RecurringMasterItemId`. */
export function readItemIdRef(id: XmlElement): ItemIdRef {
  const changeKey = attr(id, 'ChangeKey')?.trim() || undefined;
  const required = (name: string) => {
    const value = attr(id, name)?.trim();
    if (!value) throw new CalendarItemException('ErrorInvalidIdEmpty', 'Id is empty.');
    if (value.length > 200) throw new CalendarItemException('ErrorInvalidIdMalformed', 'Id is malformed.');
    return value;
  };
  switch (id.local) {
    case 'ItemId':
      return { target: { by: 'id', itemId: required('Id') }, changeKey };
    case 'OccurrenceItemId': {
      const index = attr(id, 'InstanceIndex')?.trim() ?? '';
      if (!/^\d{1,6}$/.test(index) || Number(index) < 1)
        throw new EwsError(EwsErrorCode.InvalidValue, "'InstanceIndex' must be a positive integer.");
      return { target: { by: 'occurrenceIndex', seriesId: required('RecurringMasterId'), index: Number(index) }, changeKey };
    }
    case 'RecurringMasterItemId':
      return { target: { by: 'recurringMaster', occurrenceId: required('OccurrenceId') }, changeKey };
    default:
      throw new CalendarItemException('ErrorInvalidIdMalformed', `'${id.local.slice(0, 40)}' is not an item id Parley serves.`);
  }
}

/** The ids under `ItemIds` (GetItem, DeleteItem), each read on its own so one bad id fails only itself. */
export function itemIdElements(request: XmlElement): XmlElement[] {
  return requireChild(request, NS.MESSAGES, 'ItemIds').children.filter((c) => c.ns === NS.TYPES);
}
