import { messageViewKinds, type MailboxCountsReply, type MessageViewKind } from '@parley/contracts';

/**
 * The folder tree every mailbox has. The tree is fixed (no CreateFolder yet), so a folder is
 * identified by its kind alone. The message folders (`messageFolderKinds`) hold voicemail-ingest's
 * messages; voicemail is a search folder over the voicemail item classes (`IPM.Note.Microsoft.Voicemail*`).
 * New kinds go at the end: a folder id carries the kind's index.
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
  'outbox',
  'junkemail',
  'notes',
  'journal',
  'conversationhistory',
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

// In display order (FindFolder lists children in it): the Inbox first, the rest by display name.
const specs: readonly FolderSpec[] = [
  { kind: 'root', parent: undefined, displayName: 'Root', folderClass: undefined, element: 'Folder' },
  { kind: 'msgfolderroot', parent: 'root', displayName: 'Top of Information Store', folderClass: 'IPF.Note', element: 'Folder' },
  { kind: 'inbox', parent: 'msgfolderroot', displayName: 'Inbox', folderClass: 'IPF.Note', element: 'Folder' },
  { kind: 'calendar', parent: 'msgfolderroot', displayName: 'Calendar', folderClass: 'IPF.Appointment', element: 'CalendarFolder' },
  { kind: 'contacts', parent: 'msgfolderroot', displayName: 'Contacts', folderClass: 'IPF.Contact', element: 'ContactsFolder' },
  {
    kind: 'conversationhistory',
    parent: 'msgfolderroot',
    displayName: 'Conversation History',
    folderClass: 'IPF.Note',
    element: 'Folder',
  },
  { kind: 'deleteditems', parent: 'msgfolderroot', displayName: 'Deleted Items', folderClass: 'IPF.Note', element: 'Folder' },
  { kind: 'drafts', parent: 'msgfolderroot', displayName: 'Drafts', folderClass: 'IPF.Note', element: 'Folder' },
  { kind: 'journal', parent: 'msgfolderroot', displayName: 'Journal', folderClass: 'IPF.Journal', element: 'Folder' },
  { kind: 'junkemail', parent: 'msgfolderroot', displayName: 'Junk Email', folderClass: 'IPF.Note', element: 'Folder' },
  { kind: 'notes', parent: 'msgfolderroot', displayName: 'Notes', folderClass: 'IPF.StickyNote', element: 'Folder' },
  { kind: 'outbox', parent: 'msgfolderroot', displayName: 'Outbox', folderClass: 'IPF.Note', element: 'Folder' },
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
 * Item counts of a folder. Calendar and Tasks hold calendar-sync's items (it answers both counts,
 * and Deleted Items' share, in one query: `FolderCountsReply`); the message folders and voicemail
 * hold voicemail-ingest's messages (one `mailbox.folder-counts.get` answers them all). Deleted
 * Items holds both owners' items, so its counts are the sum. Contacts is always empty.
 */
export interface FolderCounts {
  readonly total: number;
  readonly unread: number;
  /** Octets of the folder's messages (MAPI 0x0e08); undefined where Parley does not know it. */
  readonly size?: number;
}

export const EMPTY_FOLDER: FolderCounts = { total: 0, unread: 0 };

/** What calendar-sync reports for one mailbox (`calendar.folder-counts.get`). */
export interface OwnedFolderCounts {
  readonly calendarItems: number;
  readonly tasks: number;
  /** Missing from a calendar-sync that predates Deleted Items: 0. */
  readonly deletedItems?: number;
}

/** What the message store reports for one mailbox (`mailbox.folder-counts.get`). */
export type MessageFolderCounts = MailboxCountsReply['folders'];

/** Whether a folder's items are counted by calendar-sync (so showing its count costs a request). */
export function countedByOwner(kind: FolderKind): boolean {
  return kind === 'calendar' || kind === 'tasks' || kind === 'deleteditems';
}

const messageViews: ReadonlySet<string> = new Set<string>(messageViewKinds);

/** The folder as a message view (a message folder or the voicemail search folder), else undefined. */
export function messageViewKind(kind: FolderKind): MessageViewKind | undefined {
  return messageViews.has(kind) ? (kind as MessageViewKind) : undefined;
}

/** Whether a folder's items are counted by the message store. */
export function countedByMessageStore(kind: FolderKind): boolean {
  return messageViews.has(kind);
}

/**
 * A folder's counts, given what the owners reported (undefined: not asked, nothing shows them).
 * Deleted Items adds calendar-sync's count to the store's: both owners keep items there.
 */
export function folderCounts(kind: FolderKind, owned: OwnedFolderCounts | undefined, messages?: MessageFolderCounts): FolderCounts {
  const view = messageViewKind(kind);
  const stored = view === undefined ? undefined : messages?.[view];
  if (kind === 'calendar') return owned === undefined ? EMPTY_FOLDER : { total: owned.calendarItems, unread: 0 };
  if (kind === 'tasks') return owned === undefined ? EMPTY_FOLDER : { total: owned.tasks, unread: 0 };
  if (kind === 'deleteditems') {
    const calendarSide = owned?.deletedItems ?? 0;
    return stored === undefined
      ? { total: calendarSide, unread: 0 }
      : { total: calendarSide + stored.total, unread: stored.unread, size: stored.size };
  }
  return stored === undefined ? EMPTY_FOLDER : { total: stored.total, unread: stored.unread, size: stored.size };
}
