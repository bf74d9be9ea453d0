import { Injectable } from '@nestjs/common';
import { MailboxEventJournal, type JournaledEvent, type MailboxEventFilter } from '@parley/ews-gateway/data-access';
import { EwsError, EwsErrorCode, NS, operationResponse, requireChild, type ResponseMessageSpec } from '@parley/ews-gateway/soap';
import { attr, child, childText, el, type XmlElement, type XmlNode } from '@parley/xml';
import type { EwsOperationContext, EwsOperationHandler } from '../ews-operation';
import { CalendarAccess } from '../calendar/calendar-access';
import { calendarErrorMessage } from '../calendar/calendar-error.mapper';
import { CalendarItemException } from '../calendar/calendar.exception';
import { readFolderRef } from '../calendar/calendar-request.reader';
import type { FolderKind } from '../folders/mailbox-folders';
import { collapseJournal, removesFromFolder } from './journal-changes';
import { syncedFolder, SyncItemSource, type SyncedFolder } from './sync-item.source';
import { SyncStates, type ItemSyncState } from './sync-state';

/** How many journal entries one read takes while a sync walks the journal. */
const JOURNAL_PAGE = 500;
/** How many owner reads for incremental changes run at once. */
const CURRENT_READS_AT_ONCE = 8;
const ITEM_EVENTS: MailboxEventFilter['eventTypes'] = ['Created', 'Modified', 'Moved', 'Copied', 'Deleted'];
const REMOVAL_EVENTS: MailboxEventFilter['eventTypes'] = ['Moved', 'Deleted'];

type SyncChange = { readonly kind: 'Create' | 'Update'; readonly element: XmlNode } | { readonly kind: 'Delete'; readonly itemId: string };

interface SyncRequest {
  readonly folderElement: XmlElement;
  readonly state: string | undefined;
  readonly ignore: ReadonlySet<string>;
  readonly maxChanges: number;
}

interface JournalWalk {
  readonly changes: SyncChange[];
  readonly throughSeq: number;
  /** Every entry up to the journal's position was taken: the client is up to date. */
  readonly complete: boolean;
}

/**
 * SyncFolderItems on the Inbox and the other message folders, Calendar and Tasks. The state a
 * client holds is a position in the mailbox's event journal (`sync-state.ts`). With no state, the
 * journal's position is taken first and the folder's items are listed from their owner as Create
 * changes, `MaxChangesReturned` at a time; then the journal entries after the state's position for
 * that folder are collapsed per item (`journal-changes.ts`) and each Create / Update carries the
 * item as its owner has it now. `IncludesLastItemInRange` is true once the listing and the journal
 * are both taken to the end. A state whose entries retention has removed, or one that does not
 * verify, is `ErrorInvalidSyncStateData`: the client starts over with an empty state.
 */
@Injectable()
export class SyncFolderItemsHandler implements EwsOperationHandler {
  readonly operation = 'SyncFolderItems';

  constructor(
    private readonly access: CalendarAccess,
    private readonly source: SyncItemSource,
    private readonly journal: MailboxEventJournal,
    private readonly states: SyncStates,
  ) {}

  async handle({ request, acting }: EwsOperationContext): Promise<XmlNode> {
    const sync = readSyncRequest(request.body);
    const mailbox = acting.mailbox.smtpAddress;
    let message: ResponseMessageSpec;
    try {
      const kind = this.access.folderKind(acting, readFolderRef(sync.folderElement));
      const folder = syncedFolder(kind);
      if (folder === 'unsupported')
        throw new CalendarItemException(
          'ErrorInvalidOperation',
          `Parley does not sync the folder '${kind}' (see the Inbox, Calendar and Tasks).`,
        );
      const given = sync.state === undefined ? undefined : this.states.decodeItems(mailbox, sync.state);
      if (sync.state !== undefined && (given === undefined || given.folder !== kind)) throw invalidState();
      const state = given ?? (await this.initialState(mailbox, kind));
      const answer =
        folder === 'empty'
          ? { changes: [], next: { folder: kind, journalSeq: state.journalSeq }, complete: true }
          : await this.sync(request, mailbox, folder, state, sync);
      message = {
        content: [
          el(NS.MESSAGES, 'SyncState', {}, this.states.encodeItems(mailbox, answer.next)),
          el(NS.MESSAGES, 'IncludesLastItemInRange', {}, answer.complete ? 'true' : 'false'),
          el(NS.MESSAGES, 'Changes', {}, answer.changes.map(changeElement)),
        ],
      };
    } catch (error) {
      message = calendarErrorMessage(error);
    }
    return operationResponse('SyncFolderItems', [message]);
  }

  /** A first sync: the journal's position, taken before anything is listed, so no change between the two is lost. */
  private async initialState(mailbox: string, folder: FolderKind): Promise<ItemSyncState> {
    const { lastSeq } = await this.journal.position(mailbox);
    return { folder, journalSeq: lastSeq, enumeration: { offset: 0, removalsSeenSeq: lastSeq } };
  }

  private async sync(
    request: EwsOperationContext['request'],
    mailbox: string,
    folder: SyncedFolder,
    state: ItemSyncState,
    sync: SyncRequest,
  ): Promise<{ changes: SyncChange[]; next: ItemSyncState; complete: boolean }> {
    const write = this.source.writer(request, folder);
    const changes: SyncChange[] = [];
    if (state.enumeration) {
      // Items that left the folder since the last page moved the rest forward: step back as many
      // (at worst an item is listed twice, never skipped).
      const removals = await this.walkJournal(mailbox, state.enumeration.removalsSeenSeq, {
        folders: [folder],
        eventTypes: REMOVAL_EVENTS,
      });
      const offset = Math.max(0, state.enumeration.offset - removals.events.filter((e) => removesFromFolder(e, folder)).length);
      const page = await this.source.page(mailbox, folder, offset, sync.maxChanges, write);
      for (const item of page.items) if (!sync.ignore.has(item.id)) changes.push({ kind: 'Create', element: item.element });
      const listed = offset + page.items.length;
      if (page.items.length > 0 && listed < page.total) {
        const next = {
          folder: state.folder,
          journalSeq: state.journalSeq,
          enumeration: { offset: listed, removalsSeenSeq: removals.throughSeq },
        };
        return { changes, next, complete: false };
      }
    }
    const walk = await this.incremental(mailbox, folder, state.journalSeq, sync.maxChanges - changes.length, sync.ignore, write);
    return { changes: [...changes, ...walk.changes], next: { folder: state.folder, journalSeq: walk.throughSeq }, complete: walk.complete };
  }

  /** The changes after `fromSeq`, for at most `budget` items; the state moves to the last entry taken. */
  private async incremental(
    mailbox: string,
    folder: SyncedFolder,
    fromSeq: number,
    budget: number,
    ignore: ReadonlySet<string>,
    write: (item: unknown) => XmlNode,
  ): Promise<JournalWalk> {
    const items = new Set<string>();
    const walk = await this.walkJournal(mailbox, fromSeq, { folders: [folder], eventTypes: ITEM_EVENTS }, (event) => {
      if (ignore.has(event.itemId) || items.has(event.itemId)) return true;
      if (items.size >= budget) return false;
      items.add(event.itemId);
      return true;
    });
    const collapsed = collapseJournal(
      walk.events.filter((e) => !ignore.has(e.itemId)),
      folder,
    );
    const changes: (SyncChange | undefined)[] = [];
    for (let i = 0; i < collapsed.length; i += CURRENT_READS_AT_ONCE) {
      const batch = collapsed.slice(i, i + CURRENT_READS_AT_ONCE);
      changes.push(
        ...(await Promise.all(
          batch.map(async (change): Promise<SyncChange | undefined> => {
            const current = change.inFolderNow ? await this.source.current(mailbox, folder, change.itemId, write) : undefined;
            if (current) return { kind: change.wasInFolder ? 'Update' : 'Create', element: current.element };
            return change.wasInFolder ? { kind: 'Delete', itemId: change.itemId } : undefined;
          }),
        )),
      );
    }
    return { changes: changes.filter((c): c is SyncChange => c !== undefined), throughSeq: walk.throughSeq, complete: walk.complete };
  }

  /**
   * The journal entries after `fromSeq` that pass `filter`, up to the first that `take` refuses
   * (then the walk stops before it). Through the journal's end, the state moves to its position.
   */
  private async walkJournal(
    mailbox: string,
    fromSeq: number,
    filter: MailboxEventFilter,
    take: (event: JournaledEvent) => boolean = () => true,
  ): Promise<{ events: JournaledEvent[]; throughSeq: number; complete: boolean }> {
    const events: JournaledEvent[] = [];
    let cursor = fromSeq;
    for (;;) {
      const page = await this.journal.readAfter(mailbox, cursor, filter, JOURNAL_PAGE);
      if (fromSeq < page.purgedThrough || fromSeq > page.lastSeq) throw invalidState();
      for (const event of page.events) {
        if (!take(event)) return { events, throughSeq: cursor, complete: false };
        events.push(event);
        cursor = event.seq;
      }
      if (!page.truncated) return { events, throughSeq: Math.max(cursor, page.lastSeq), complete: true };
    }
  }
}

function invalidState(): CalendarItemException {
  return new CalendarItemException('ErrorInvalidSyncStateData', 'The synchronization state data is corrupt or otherwise invalid.');
}

/** `m:SyncFolderId`, `m:SyncState`, `m:Ignore`, `m:MaxChangesReturned` (1–512), `m:SyncScope` (NormalItems; associated items Parley has none of). */
function readSyncRequest(body: XmlElement): SyncRequest {
  const folderElement = requireChild(body, NS.MESSAGES, 'SyncFolderId').children.find((c) => c.ns === NS.TYPES);
  if (!folderElement) throw new EwsError(EwsErrorCode.InvalidValue, "Element 'SyncFolderId' must contain a folder id.");
  const state = childText(body, NS.MESSAGES, 'SyncState')?.trim() || undefined;
  const ignore = new Set(
    (child(body, NS.MESSAGES, 'Ignore')?.children ?? []).filter((c) => c.ns === NS.TYPES).map((id) => (attr(id, 'Id') ?? '').trim()),
  );
  const max = (childText(body, NS.MESSAGES, 'MaxChangesReturned') ?? '').trim();
  if (!/^\d{1,4}$/.test(max) || Number(max) < 1 || Number(max) > 512)
    throw new EwsError(EwsErrorCode.InvalidValue, "'MaxChangesReturned' must be an integer from 1 to 512.");
  const scope = childText(body, NS.MESSAGES, 'SyncScope')?.trim();
  if (scope !== undefined && scope !== 'NormalItems' && scope !== 'NormalAndAssociatedItems')
    throw new EwsError(EwsErrorCode.InvalidValue, "'SyncScope' must be NormalItems or NormalAndAssociatedItems.");
  return { folderElement, state, ignore, maxChanges: Number(max) };
}

/** `t:Create` / `t:Update` with the item, `t:Delete` with its id only. */
function changeElement(change: SyncChange): XmlNode {
  if (change.kind === 'Delete') return el(NS.TYPES, 'Delete', {}, el(NS.TYPES, 'ItemId', { Id: change.itemId }));
  return el(NS.TYPES, change.kind, {}, change.element);
}
