import { el, type XmlContentItem, type XmlNode } from '@parley/xml';
import { NS } from '@parley/ews-gateway/soap';
import type { FolderIdentity } from './folder-ids';
import type { FolderShape } from './folder-request.reader';
import type { FolderCounts, FolderSpec } from './mailbox-folders';

/** A folder with what the response says about it. */
export interface FolderView {
  readonly spec: FolderSpec;
  readonly identity: FolderIdentity;
  readonly parent: FolderIdentity | undefined;
  readonly childFolderCount: number;
  readonly counts: FolderCounts;
}

const PR_MESSAGE_SIZE = 0x0e08;
const PR_DISPLAY_NAME = 0x3001;
const PR_CONTENT_COUNT = 0x3602;
const PR_CONTENT_UNREAD = 0x3603;
const PR_CONTAINER_CLASS = 0x3613;

/** Which elements carry UnreadCount (FolderType and its subtypes; not Calendar/Contacts folders). */
const HAS_UNREAD: ReadonlySet<string> = new Set(['Folder', 'TasksFolder', 'SearchFolder']);

/**
 * One `t:Folder`/`t:CalendarFolder`/… in types.xsd order: FolderId, ParentFolderId, FolderClass,
 * DisplayName, TotalCount, ChildFolderCount, ExtendedProperty*, then (FolderType) UnreadCount.
 * IdOnly → FolderId; Default → + DisplayName, TotalCount, ChildFolderCount, UnreadCount;
 * AllProperties → + ParentFolderId, FolderClass. AdditionalProperties add to any of them.
 * Extended properties Parley can derive are answered (content and unread counts, container class,
 * display name, and a message folder's size); any other is silently left out.
 */
export function folderElement(view: FolderView, shape: FolderShape): XmlNode {
  const { spec } = view;
  const all = shape.baseShape === 'AllProperties';
  const dflt = all || shape.baseShape === 'Default';
  const wants = (field: string, byDefault: boolean) => byDefault || shape.fields.has(`folder:${field}`);
  const t = (local: string, attrs: Record<string, string>, content?: XmlContentItem | XmlContentItem[]) =>
    el(NS.TYPES, local, attrs, content);
  const idElement = (local: string, id: FolderIdentity) => t(local, { Id: id.id, ChangeKey: id.changeKey });
  return t(spec.element, {}, [
    idElement('FolderId', view.identity),
    view.parent && wants('ParentFolderId', all) && idElement('ParentFolderId', view.parent),
    spec.folderClass !== undefined && wants('FolderClass', all) && t('FolderClass', {}, spec.folderClass),
    wants('DisplayName', dflt) && t('DisplayName', {}, spec.displayName),
    wants('TotalCount', dflt) && t('TotalCount', {}, view.counts.total),
    wants('ChildFolderCount', dflt) && t('ChildFolderCount', {}, view.childFolderCount),
    ...shape.extended.map((request) => {
      const value = extendedValue(request.tag, view);
      return value !== undefined && t('ExtendedProperty', {}, [t('ExtendedFieldURI', request.attrs), t('Value', {}, value)]);
    }),
    HAS_UNREAD.has(spec.element) && wants('UnreadCount', dflt) && t('UnreadCount', {}, view.counts.unread),
  ]);
}

const COUNT_TAGS: ReadonlySet<number | undefined> = new Set([PR_CONTENT_COUNT, PR_CONTENT_UNREAD, PR_MESSAGE_SIZE]);

/** Whether `shape` writes a folder's counts (`TotalCount`, `UnreadCount`, PR_CONTENT_COUNT, PR_CONTENT_UNREAD, PR_MESSAGE_SIZE), which Parley asks the owners for. */
export function showsItemCount(shape: FolderShape): boolean {
  return (
    shape.baseShape !== 'IdOnly' ||
    shape.fields.has('folder:TotalCount') ||
    shape.fields.has('folder:UnreadCount') ||
    shape.extended.some((e) => COUNT_TAGS.has(e.tag))
  );
}

function extendedValue(tag: number | undefined, view: FolderView): string | undefined {
  switch (tag) {
    case PR_CONTENT_COUNT:
      return String(view.counts.total);
    case PR_CONTENT_UNREAD:
      return String(view.counts.unread);
    case PR_MESSAGE_SIZE:
      return view.counts.size === undefined ? undefined : String(view.counts.size);
    case PR_CONTAINER_CLASS:
      return view.spec.folderClass;
    case PR_DISPLAY_NAME:
      return view.spec.displayName;
    default:
      return undefined;
  }
}
