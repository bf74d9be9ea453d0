/**
 * The folder tree every mailbox has. The tree is fixed (no CreateFolder yet), so a folder is
 * identified by its kind alone. Mail folders (inbox, sent items, drafts, deleted items) are empty
 * until Parley has a message store; voicemail is a search folder over the voicemail item classes
 * (`IPM.Note.Microsoft.Voicemail*`), also empty until voicemail-ingest stores messages.
 */
export const folderKinds = [
  'root',
  'msgfolderroot',
  'inbox',
  'calendar',
  'tasks',
  'deleteditems',
  'sentitems',
  'drafts',
  'contacts',
  'voicemail',
] as const;
export type FolderKind = (typeof folderKinds)[number];

/** The EWS element (types.xsd) a folder is written as. */
export type FolderElement = 'Folder' | 'CalendarFolder' | 'TasksFolder' | 'SearchFolder' | 'ContactsFolder';

export interface FolderSpec {
  readonly kind: FolderKind;
  readonly parent: FolderKind | undefined;
  readonly displayName: string;
  readonly folderClass: string | undefined;
  readonly element: FolderElement;
}

const specs: readonly FolderSpec[] = [
  { kind: 'root', parent: undefined, displayName: 'Root', folderClass: undefined, element: 'Folder' },
  { kind: 'msgfolderroot', parent: 'root', displayName: 'Top of Information Store', folderClass: 'IPF.Note', element: 'Folder' },
  { kind: 'inbox', parent: 'msgfolderroot', displayName: 'Inbox', folderClass: 'IPF.Note', element: 'Folder' },
  { kind: 'calendar', parent: 'msgfolderroot', displayName: 'Calendar', folderClass: 'IPF.Appointment', element: 'CalendarFolder' },
  { kind: 'contacts', parent: 'msgfolderroot', displayName: 'Contacts', folderClass: 'IPF.Contact', element: 'ContactsFolder' },
  { kind: 'deleteditems', parent: 'msgfolderroot', displayName: 'Deleted Items', folderClass: 'IPF.Note', element: 'Folder' },
  { kind: 'drafts', parent: 'msgfolderroot', displayName: 'Drafts', folderClass: 'IPF.Note', element: 'Folder' },
  { kind: 'sentitems', parent: 'msgfolderroot', displayName: 'Sent Items', folderClass: 'IPF.Note', element: 'Folder' },
  { kind: 'tasks', parent: 'msgfolderroot', displayName: 'Tasks', folderClass: 'IPF.Task', element: 'TasksFolder' },
  // Exchange keeps search folders outside the IPM subtree, under the mailbox root.
  { kind: 'voicemail', parent: 'root', displayName: 'Voice Mail', folderClass: 'IPF.Note', element: 'SearchFolder' },
];

const byKind = new Map(specs.map((s) => [s.kind, s]));

export function folderSpec(kind: FolderKind): FolderSpec {
  return byKind.get(kind) as FolderSpec;
}

/** A distinguished folder name (case-insensitive, as Exchange accepts them) → its kind. */
export function distinguishedFolderKind(name: string): FolderKind | undefined {
  const lower = name.trim().toLowerCase();
  return (folderKinds as readonly string[]).includes(lower) ? (lower as FolderKind) : undefined;
}

export function childFolders(kind: FolderKind): FolderSpec[] {
  return specs.filter((s) => s.parent === kind);
}

/** Shallow: the children; Deep: every descendant, depth-first in display order. */
export function descendantFolders(kind: FolderKind, deep: boolean): FolderSpec[] {
  return childFolders(kind).flatMap((c) => (deep ? [c, ...descendantFolders(c.kind, true)] : [c]));
}

/**
 * Item counts of a folder. Calendar, Tasks and Deleted Items hold calendar-sync's items (it answers
 * all three counts in one query, `FolderCountsReply`; Deleted Items holds the calendar items and
 * tasks DeleteItem moved there); the other mail folders, contacts and voicemail are empty until
 * Parley has a message store, and `UnreadCount` is 0 everywhere for the same reason.
 */
export interface FolderCounts {
  readonly total: number;
  readonly unread: number;
}

export const EMPTY_FOLDER: FolderCounts = { total: 0, unread: 0 };

/** What calendar-sync reports for one mailbox (`calendar.folder-counts.get`). */
export interface OwnedFolderCounts {
  readonly calendarItems: number;
  readonly tasks: number;
  /** Missing from a calendar-sync that predates Deleted Items: 0. */
  readonly deletedItems?: number;
}

/** Whether a folder's items are counted by calendar-sync (so showing its count costs a request). */
export function countedByOwner(kind: FolderKind): boolean {
  return kind === 'calendar' || kind === 'tasks' || kind === 'deleteditems';
}

/** A folder's counts, given what calendar-sync reported (undefined: not asked, nothing shows them). */
export function folderCounts(kind: FolderKind, owned: OwnedFolderCounts | undefined): FolderCounts {
  if (owned === undefined) return EMPTY_FOLDER;
  if (kind === 'calendar') return { total: owned.calendarItems, unread: 0 };
  if (kind === 'tasks') return { total: owned.tasks, unread: 0 };
  if (kind === 'deleteditems') return { total: owned.deletedItems ?? 0, unread: 0 };
  return EMPTY_FOLDER;
}
