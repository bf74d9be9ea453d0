import { Injectable } from '@nestjs/common';
import {
  CommandErrorCodes,
  CalendarEvent,
  CalendarItemFields,
  CalendarItemPatch,
  CalendarItemView,
  DeleteCalendarItemReply,
  DeleteCalendarItemRequest,
  FindCalendarItemsReply,
  FindCalendarItemsRequest,
  FindDeletedCalendarItemsReply,
  FindDeletedCalendarItemsRequest,
  FreeBusyReply,
  FreeBusyRequest,
  FreeBusyViewType,
  GetCalendarItemRequest,
  MAX_OCCURRENCES_PER_QUERY,
  MAX_QUERY_WINDOW_DAYS,
  MeetingSendMode,
  MoveCalendarItemRequest,
  occurrenceFields,
  Topics,
  UpdateCalendarItemRequest,
  WorkingHours,
} from '@parley/contracts';
import { CalendarItemRepository, CalendarSyncDatabase, StoredCalendarItem } from '@parley/calendar-sync/data-access';
import { canonicalWindowsId, occurrenceAtIndex, occurrenceByOriginalStart, seriesBounds } from '@parley/calendar-time';
import { randomUUID } from 'node:crypto';
import { announceChange } from './calendar-item-changed';
import { decodeItemId, DecodedItemId, itemKeyForCommand, newChangeKey } from './calendar-item-id';
import {
  Instance,
  instancesInWindow,
  instanceStatus,
  instanceView,
  ItemOccurrence,
  itemView,
  occurrenceView,
  rangeOf,
  seriesOf,
} from './calendar-item.mapper';
import { CalendarException } from './calendar.exception';
import { MailboxDirectory } from './mailbox-directory';
import { isOrganizedHere, timeChanged } from './meeting-copy';
import { MeetingDelivery } from './meeting-delivery';
import { MAX_MERGED_INTERVALS, mergedIntervalCount, mergeFreeBusy } from './free-busy';
import { WorkingHoursService } from './working-hours.service';

const DAY_MS = 86_400_000;
const MERGED_VIEWS: readonly FreeBusyViewType[] = ['MergedOnly', 'FreeBusyMerged', 'DetailedMerged'];
const EVENT_VIEWS: readonly FreeBusyViewType[] = ['FreeBusy', 'FreeBusyMerged', 'Detailed', 'DetailedMerged'];
/** Fields an occurrence may lose (back to its series' value). */
const OCCURRENCE_DELETABLE = ['body', 'location'] as const;

function notFound(): CalendarException {
  return new CalendarException(CommandErrorCodes.itemNotFound, 'The calendar item does not exist in this mailbox.');
}

function occurrenceNotFound(): CalendarException {
  return new CalendarException(CommandErrorCodes.occurrenceNotFound, 'The series has no such occurrence (out of range or deleted).');
}

/**
 * Owns every mailbox's calendar: writes with their `calendar.item.changed` event in one
 * transaction (applied once per command id), and reads — calendar views with recurrences
 * expanded in each series' own time zone, occurrences, free/busy.
 */
@Injectable()
export class CalendarService {
  constructor(
    private readonly db: CalendarSyncDatabase,
    private readonly items: CalendarItemRepository,
    private readonly directory: MailboxDirectory,
    private readonly workingHours: WorkingHoursService,
    private readonly meetings: MeetingDelivery,
  ) {}

  /**
   * CreateItem. With invitations sent, a meeting this mailbox organizes is placed (Tentative) on
   * each attendee's calendar that Parley holds, in the same transaction.
   */
  async create(
    commandId: string,
    mailbox: string,
    fields: CalendarItemFields,
    sendMeetingInvitations: MeetingSendMode = 'SendToNone',
    now = new Date(),
  ): Promise<CalendarItemView> {
    const key = itemKeyForCommand(commandId, mailbox);
    const outcome = await this.db.unitOfWork.runOnce(
      'calendar-sync.calendar-create',
      { id: commandId, type: Topics.calendarItemCreateRequest },
      async (tx) => {
        const draft: StoredCalendarItem = {
          id: key,
          mailbox,
          subject: fields.subject,
          body: fields.body,
          location: fields.location,
          start: new Date(fields.start),
          end: new Date(fields.end),
          isAllDay: fields.isAllDay,
          legacyFreeBusyStatus: fields.legacyFreeBusyStatus,
          sensitivity: fields.sensitivity,
          organizer: fields.organizer ?? { address: mailbox, responseType: 'Organizer' },
          requiredAttendees: fields.requiredAttendees,
          optionalAttendees: fields.optionalAttendees,
          startTimeZone: fields.startTimeZone,
          endTimeZone: fields.endTimeZone ?? fields.startTimeZone,
          recurrence: fields.recurrence,
          rangeStart: new Date(fields.start),
          rangeEnd: null,
          changeKey: newChangeKey(),
          revision: 1,
          createdAt: now,
          lastModifiedAt: now,
          deletedAt: null,
          // Every item gets a UID, as in Exchange: a later update may turn it into a meeting.
          meetingUid: randomUUID(),
          isCancelled: false,
          myResponseType: null,
          exceptions: [],
        };
        const item = normalize(draft);
        await this.items.save(tx, item);
        await announceChange(tx, 'created', item, null);
        if (sendMeetingInvitations !== 'SendToNone' && isOrganizedHere(item))
          await this.meetings.deliver(tx, item, { moved: false, inviteNew: true }, now);
        return itemView(item);
      },
    );
    if (!outcome.duplicate) return outcome.value;
    const existing = await this.items.find(mailbox, key);
    if (!existing) throw notFound();
    return itemView(existing);
  }

  /**
   * UpdateItem: set and delete fields of an item or series, or of one occurrence (which then
   * becomes an exception). A change key that is not the current one fails with `Conflict` under
   * NeverOverwrite; AutoResolve and AlwaysOverwrite apply the change (last writer wins). Unless
   * SendToNone, the organizer's change (to the series or one occurrence) reaches the attendee copies.
   */
  async update(commandId: string, req: UpdateCalendarItemRequest, now = new Date()): Promise<CalendarItemView> {
    const target = this.decode(req.mailbox, req.itemId);
    const outcome = await this.db.unitOfWork.runOnce(
      'calendar-sync.calendar-update',
      { id: commandId, type: Topics.calendarItemUpdateRequest },
      async (tx) => {
        const current = await this.items.findForUpdate(tx, req.mailbox, target.key);
        if (!current) throw notFound();
        if (req.changeKey !== undefined && req.changeKey !== current.changeKey && req.conflictResolution === 'NeverOverwrite') {
          throw new CalendarException(CommandErrorCodes.conflict, 'The item changed since that change key was issued.');
        }
        const changed = target.kind === 'occurrence' ? applyToOccurrence(current, target.originalStart, req) : applyToItem(current, req);
        const notify = req.sendMeetingInvitationsOrCancellations !== 'SendToNone' && isOrganizedHere(current);
        // Items from before UIDs get one when they first reach attendees.
        const meetingUid = current.meetingUid ?? (notify ? randomUUID() : null);
        const next = normalize({ ...changed, meetingUid, changeKey: newChangeKey(), revision: current.revision + 1, lastModifiedAt: now });
        await this.items.save(tx, next);
        await announceChange(tx, 'updated', next, target.kind === 'occurrence' ? target.originalStart : null);
        if (notify) await this.meetings.deliver(tx, next, { moved: timeChanged(current, next), inviteNew: true, previous: current }, now);
        if (target.kind === 'item') return itemView(next);
        const occurrence = occurrenceByOriginalStart(seriesOf(next), target.originalStart);
        if (!occurrence) throw occurrenceNotFound();
        return occurrenceView(next, occurrence);
      },
    );
    return outcome.duplicate ? this.get({ mailbox: req.mailbox, target: { by: 'id', itemId: req.itemId } }) : outcome.value;
  }

  /**
   * DeleteItem: a single item or series whole, or one occurrence (recorded as deleted, whatever the
   * disposal). MoveToDeletedItems moves an item to Deleted Items: the row stays with `deletedAt`
   * set, out of every calendar view, free/busy and count, and the change is announced as a
   * deletion (the item left the calendar). HardDelete, or MoveToDeletedItems on an item already in
   * Deleted Items, removes the row. Unless SendToNone, the organizer's deletion cancels the
   * attendee copies (an occurrence's: that occurrence goes from the copies).
   */
  async delete(
    commandId: string,
    req: Omit<DeleteCalendarItemRequest, 'disposal' | 'sendMeetingCancellations'> &
      Partial<Pick<DeleteCalendarItemRequest, 'disposal' | 'sendMeetingCancellations'>>,
    now = new Date(),
  ): Promise<DeleteCalendarItemReply> {
    const target = this.decode(req.mailbox, req.itemId);
    const outcome = await this.db.unitOfWork.runOnce(
      'calendar-sync.calendar-delete',
      { id: commandId, type: Topics.calendarItemDeleteRequest },
      async (tx) => {
        const current = await this.items.findForUpdate(tx, req.mailbox, target.key);
        if (!current) throw notFound();
        const notify = (req.sendMeetingCancellations ?? 'SendToNone') !== 'SendToNone' && isOrganizedHere(current);
        if (target.kind === 'item' && notify) await this.meetings.cancel(tx, current, now);
        if (target.kind === 'item' && req.disposal === 'MoveToDeletedItems' && current.deletedAt === null) {
          const moved: StoredCalendarItem = {
            ...current,
            deletedAt: now,
            changeKey: newChangeKey(),
            revision: current.revision + 1,
            lastModifiedAt: now,
          };
          await this.items.save(tx, moved);
          await announceChange(tx, 'deleted', moved, null);
          return { deleted: 'item', id: req.itemId, changeKey: null } as const;
        }
        if (target.kind === 'item') {
          await this.items.remove(tx, req.mailbox, current.id);
          await announceChange(tx, 'deleted', { ...current, revision: current.revision + 1 }, null);
          return { deleted: 'item', id: req.itemId, changeKey: null } as const;
        }
        const occurrence = this.occurrenceOf(current, target.originalStart);
        const next = normalize({
          ...current,
          exceptions: [
            ...current.exceptions.filter((x) => x.originalStart.getTime() !== occurrence.originalStart),
            { kind: 'deleted', originalStart: new Date(occurrence.originalStart) },
          ],
          changeKey: newChangeKey(),
          revision: current.revision + 1,
          lastModifiedAt: now,
        });
        await this.items.save(tx, next);
        await announceChange(tx, 'updated', next, occurrence.originalStart);
        if (notify) await this.meetings.deliver(tx, next, { moved: false, inviteNew: false }, now);
        return { deleted: 'occurrence', id: req.itemId, changeKey: next.changeKey } as const;
      },
    );
    if (!outcome.duplicate) return outcome.value;
    return { deleted: target.kind === 'item' ? 'item' : 'occurrence', id: req.itemId, changeKey: null };
  }

  /**
   * MoveItem between the Calendar and Deleted Items (a single item or series, never one
   * occurrence). Into Deleted Items it is MoveToDeletedItems without cancellations; back, the item
   * returns to every view, free/busy and count and is announced as created, the mirror of its
   * departure. An item already in the target folder is answered unchanged.
   */
  async move(commandId: string, req: MoveCalendarItemRequest, now = new Date()): Promise<CalendarItemView> {
    const target = this.decode(req.mailbox, req.itemId);
    if (target.kind === 'occurrence')
      throw new CalendarException(CommandErrorCodes.invalidOperation, 'An occurrence cannot be moved on its own; move its series.');
    const outcome = await this.db.unitOfWork.runOnce(
      'calendar-sync.calendar-move',
      { id: commandId, type: Topics.calendarItemMoveRequest },
      async (tx) => {
        const current = await this.items.findForUpdate(tx, req.mailbox, target.key);
        if (!current) throw notFound();
        const toDeletedItems = req.to === 'deleteditems';
        if ((current.deletedAt !== null) === toDeletedItems) return itemView(current);
        const moved: StoredCalendarItem = {
          ...current,
          deletedAt: toDeletedItems ? now : null,
          changeKey: newChangeKey(),
          revision: current.revision + 1,
          lastModifiedAt: now,
        };
        await this.items.save(tx, moved);
        await announceChange(tx, toDeletedItems ? 'deleted' : 'created', moved, null);
        return itemView(moved);
      },
    );
    return outcome.duplicate ? this.get({ mailbox: req.mailbox, target: { by: 'id', itemId: req.itemId } }) : outcome.value;
  }

  /** GetItem: an item or series, an occurrence (by its id, index or original start), or an occurrence's master. */
  async get(req: GetCalendarItemRequest): Promise<CalendarItemView> {
    const { mailbox, target } = req;
    switch (target.by) {
      case 'id': {
        const id = this.decode(mailbox, target.itemId);
        const item = await this.load(mailbox, id.key);
        return id.kind === 'item' ? itemView(item) : occurrenceView(item, this.occurrenceOf(item, id.originalStart));
      }
      case 'recurringMaster': {
        const item = await this.load(mailbox, this.decode(mailbox, target.occurrenceId).key);
        if (!item.recurrence) throw notFound();
        return itemView(item);
      }
      case 'occurrenceIndex':
      case 'originalStart': {
        const id = this.decode(mailbox, target.seriesId);
        const item = await this.load(mailbox, id.key);
        if (!item.recurrence) throw notFound();
        if (target.by === 'originalStart') return occurrenceView(item, this.occurrenceOf(item, Date.parse(target.originalStart)));
        const occurrence = occurrenceAtIndex(seriesOf(item), target.index);
        if (!occurrence || occurrence.deleted) throw occurrenceNotFound();
        return occurrenceView(item, occurrence);
      }
    }
  }

  /** FindItem with a CalendarView: everything overlapping the window, recurrences expanded, by start. */
  async find(req: FindCalendarItemsRequest): Promise<FindCalendarItemsReply> {
    const from = Date.parse(req.start);
    const to = Date.parse(req.end);
    checkWindow(from, to);
    const instances = await this.instances(req.mailbox, from, to);
    const max = Math.min(req.maxEntries ?? MAX_OCCURRENCES_PER_QUERY, MAX_OCCURRENCES_PER_QUERY);
    return {
      items: instances.slice(0, max).map(instanceView),
      totalItemsInView: Math.min(instances.length, MAX_OCCURRENCES_PER_QUERY),
      includesLastItemInRange: instances.length <= max,
    };
  }

  /** FindItem on Deleted Items: the calendar items moved there, in the order they arrived (or the Calendar's, by id). */
  async findDeleted(req: FindDeletedCalendarItemsRequest): Promise<FindDeletedCalendarItemsReply> {
    const page = await this.items.pageFolder(req.mailbox, req.folder ?? 'deleteditems', req.offset, req.maxEntries);
    return { items: page.items.map(itemView), total: page.total };
  }

  /**
   * GetUserAvailability: per mailbox the merged stream and/or the events with the working hours.
   * Details (subject, location) only for the requester's own calendar; a Detailed request for
   * anyone else is answered with the FreeBusy view, as Exchange does for callers without detail rights.
   */
  async freeBusy(req: FreeBusyRequest): Promise<FreeBusyReply> {
    const from = Date.parse(req.start);
    const to = Date.parse(req.end);
    checkWindow(from, to);
    if (mergedIntervalCount(from, to, req.mergedIntervalMinutes) > MAX_MERGED_INTERVALS) {
      throw new CalendarException(CommandErrorCodes.windowTooLarge, `more than ${MAX_MERGED_INTERVALS} merged intervals`);
    }
    // The views with events also carry WorkingHours, as in Exchange (Detailed downgraded to FreeBusy stays one of them).
    const hours = EVENT_VIEWS.includes(req.requestedView)
      ? await this.workingHours.inEffect(req.mailboxes)
      : new Map<string, WorkingHours>();
    const results: FreeBusyReply['results'] = [];
    for (const mailbox of req.mailboxes) {
      if (!(await this.directory.exists(mailbox))) {
        results.push({ mailbox, ok: false, error: { code: CommandErrorCodes.mailboxNotFound, message: `No mailbox ${mailbox}.` } });
        continue;
      }
      const instances = await this.instances(mailbox, from, to);
      const detailed = req.requester === mailbox;
      const viewType = grantedView(req.requestedView, detailed);
      const busy = instances.map((i) => ({ instance: i, ...instanceStatus(i) }));
      results.push({
        mailbox,
        ok: true,
        view: {
          viewType,
          mergedFreeBusy: MERGED_VIEWS.includes(viewType)
            ? mergeFreeBusy(
                busy.map((b) => ({ start: b.instance.start, end: b.instance.end, status: b.status })),
                from,
                to,
                req.mergedIntervalMinutes,
              )
            : null,
          calendarEvents: EVENT_VIEWS.includes(viewType)
            ? busy.map((b): CalendarEvent => ({
                start: new Date(b.instance.start).toISOString(),
                end: new Date(b.instance.end).toISOString(),
                busyType: b.status,
                details:
                  viewType === 'Detailed' || viewType === 'DetailedMerged'
                    ? {
                        id: instanceView(b.instance).id,
                        subject: b.subject,
                        location: b.location,
                        isMeeting: b.instance.item.requiredAttendees.length + b.instance.item.optionalAttendees.length > 0,
                        isRecurring: b.instance.occurrence !== null,
                        isException: b.instance.occurrence?.exception != null,
                        isReminderSet: false,
                        isPrivate: b.sensitivity === 'Private',
                      }
                    : null,
              }))
            : null,
          workingHours: EVENT_VIEWS.includes(viewType) ? (hours.get(mailbox) ?? null) : null,
        },
      });
    }
    return { results };
  }

  private async instances(mailbox: string, from: number, to: number): Promise<Instance[]> {
    const candidates = await this.items.findInRange(mailbox, new Date(from), new Date(to));
    const all = candidates.flatMap((item) => instancesInWindow(item, from, to, MAX_OCCURRENCES_PER_QUERY + 1).instances);
    return all.sort(
      (a, b) =>
        a.start - b.start || a.end - b.end || a.item.id.localeCompare(b.item.id) || (a.occurrence?.index ?? 0) - (b.occurrence?.index ?? 0),
    );
  }

  private decode(mailbox: string, id: string): DecodedItemId {
    const decoded = decodeItemId(mailbox, id);
    if (!decoded) throw notFound();
    return decoded;
  }

  private async load(mailbox: string, key: string): Promise<StoredCalendarItem> {
    const item = await this.items.find(mailbox, key);
    if (!item) throw notFound();
    return item;
  }

  private occurrenceOf(item: StoredCalendarItem, originalStart: number): ItemOccurrence {
    if (!item.recurrence) throw notFound();
    const occurrence = occurrenceByOriginalStart(seriesOf(item), originalStart);
    if (!occurrence || occurrence.deleted) throw occurrenceNotFound();
    return occurrence;
  }
}

function grantedView(requested: FreeBusyViewType, detailed: boolean): FreeBusyViewType {
  if (detailed) return requested;
  if (requested === 'Detailed') return 'FreeBusy';
  if (requested === 'DetailedMerged') return 'FreeBusyMerged';
  return requested;
}

function checkWindow(from: number, to: number): void {
  if (to - from > MAX_QUERY_WINDOW_DAYS * DAY_MS)
    throw new CalendarException(CommandErrorCodes.windowTooLarge, `the window may span at most ${MAX_QUERY_WINDOW_DAYS} days`);
}

/**
 * Validates an item after a write and derives what is stored with it: canonical time zone ids,
 * a series' master moved onto its first occurrence (as Exchange does), the indexed range.
 */
function normalize(item: StoredCalendarItem): StoredCalendarItem {
  const startTimeZone = canonicalWindowsId(item.startTimeZone);
  const endTimeZone = canonicalWindowsId(item.endTimeZone);
  if (!startTimeZone || !endTimeZone)
    throw new CalendarException(
      CommandErrorCodes.invalidTimeZone,
      `unknown time zone ${startTimeZone ? item.endTimeZone : item.startTimeZone}`,
    );
  if (item.end.getTime() < item.start.getTime()) throw new CalendarException(CommandErrorCodes.invalidDuration, 'end is before start');
  let next: StoredCalendarItem = { ...item, startTimeZone, endTimeZone };
  if (next.recurrence) {
    const { first } = seriesBounds({ ...seriesOf(next), exceptions: [], deleted: [] });
    if (!first) throw new CalendarException(CommandErrorCodes.invalidRecurrence, 'the recurrence has no occurrence');
    next = { ...next, start: new Date(first.start), end: new Date(first.end) };
  }
  return { ...next, ...rangeOf(next) };
}

function applyToItem(current: StoredCalendarItem, req: UpdateCalendarItemRequest): StoredCalendarItem {
  const set: CalendarItemPatch = { ...req.set };
  for (const field of req.delete) {
    if (field in set) throw new CalendarException(CommandErrorCodes.invalidOperation, `${field} is both set and deleted`);
    if (field === 'organizer') set.organizer = null;
    else if (field === 'requiredAttendees' || field === 'optionalAttendees') set[field] = [];
    else if (field === 'endTimeZone') set.endTimeZone = null;
    else set[field] = null;
  }
  const next: StoredCalendarItem = {
    ...current,
    subject: set.subject ?? current.subject,
    body: set.body !== undefined ? set.body : current.body,
    location: set.location !== undefined ? set.location : current.location,
    start: set.start ? new Date(set.start) : current.start,
    end: set.end ? new Date(set.end) : current.end,
    isAllDay: set.isAllDay ?? current.isAllDay,
    legacyFreeBusyStatus: set.legacyFreeBusyStatus ?? current.legacyFreeBusyStatus,
    sensitivity: set.sensitivity ?? current.sensitivity,
    organizer: set.organizer !== undefined ? (set.organizer ?? { address: current.mailbox, responseType: 'Organizer' }) : current.organizer,
    requiredAttendees: set.requiredAttendees ?? current.requiredAttendees,
    optionalAttendees: set.optionalAttendees ?? current.optionalAttendees,
    startTimeZone: set.startTimeZone ?? current.startTimeZone,
    endTimeZone: set.endTimeZone !== undefined ? (set.endTimeZone ?? set.startTimeZone ?? current.startTimeZone) : current.endTimeZone,
    recurrence: set.recurrence !== undefined ? set.recurrence : current.recurrence,
  };
  // Exceptions hang on the series' shape: changing its times, zone or rule drops them (as Outlook does).
  const reshaped = set.start !== undefined || set.end !== undefined || set.startTimeZone !== undefined || set.recurrence !== undefined;
  return { ...next, exceptions: next.recurrence && !reshaped ? current.exceptions : [] };
}

function applyToOccurrence(current: StoredCalendarItem, originalStart: number, req: UpdateCalendarItemRequest): StoredCalendarItem {
  if (!current.recurrence) throw notFound();
  const occurrence = occurrenceByOriginalStart(seriesOf(current), originalStart);
  if (!occurrence || occurrence.deleted) throw occurrenceNotFound();
  const refused = Object.keys(req.set).filter((f) => !(occurrenceFields as readonly string[]).includes(f));
  const refusedDeletes = req.delete.filter((f) => !(OCCURRENCE_DELETABLE as readonly string[]).includes(f));
  if (refused.length + refusedDeletes.length > 0) {
    throw new CalendarException(
      CommandErrorCodes.invalidOperation,
      `cannot change ${[...refused, ...refusedDeletes].join(', ')} on one occurrence`,
    );
  }
  const { start, end, ...fields } = req.set;
  const overrides = { ...(occurrence.exception?.overrides ?? {}), ...fields };
  for (const field of req.delete) overrides[field as (typeof OCCURRENCE_DELETABLE)[number]] = null;
  const newStart = start ? Date.parse(start) : occurrence.start;
  const newEnd = end ? Date.parse(end) : occurrence.end;
  if (newEnd < newStart) throw new CalendarException(CommandErrorCodes.invalidDuration, 'end is before start');
  return {
    ...current,
    exceptions: [
      ...current.exceptions.filter((x) => x.originalStart.getTime() !== originalStart),
      { kind: 'modified', originalStart: new Date(originalStart), start: new Date(newStart), end: new Date(newEnd), overrides },
    ],
  };
}
