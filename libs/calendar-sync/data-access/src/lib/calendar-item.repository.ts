import type { Attendee, CalendarBody, CalendarItemPatch, LegacyFreeBusyStatus, Recurrence, ResponseType } from '@parley/contracts';
import type { Transaction } from '@parley/persistence';
import { DataSource, EntityManager, In, IsNull, Not } from 'typeorm';
import { CalendarItemExceptionEntity } from './calendar-item-exception.entity';
import { CalendarItemEntity } from './calendar-item.entity';

export type OccurrenceOverrides = Pick<
  CalendarItemPatch,
  'subject' | 'body' | 'location' | 'isAllDay' | 'legacyFreeBusyStatus' | 'sensitivity'
>;

export type StoredException =
  | { originalStart: Date; kind: 'deleted' }
  | { originalStart: Date; kind: 'modified'; start: Date; end: Date; overrides: OccurrenceOverrides };

/** A calendar item as the service works with it: the row plus its exceptions. */
export interface StoredCalendarItem {
  id: string;
  mailbox: string;
  subject: string;
  body: CalendarBody | null;
  location: string | null;
  start: Date;
  end: Date;
  isAllDay: boolean;
  legacyFreeBusyStatus: LegacyFreeBusyStatus;
  sensitivity: 'Normal' | 'Personal' | 'Private' | 'Confidential';
  organizer: Attendee;
  requiredAttendees: Attendee[];
  optionalAttendees: Attendee[];
  startTimeZone: string;
  endTimeZone: string;
  recurrence: Recurrence | null;
  rangeStart: Date;
  rangeEnd: Date | null;
  changeKey: string;
  revision: number;
  createdAt: Date;
  lastModifiedAt: Date;
  /** Set while the item is in Deleted Items (moved there by DeleteItem); null in the Calendar. */
  deletedAt: Date | null;
  /** Shared by a meeting and its attendee copies; null on items from before meetings. */
  meetingUid: string | null;
  isCancelled: boolean;
  /** Set on an attendee copy (its owner's answer); null: derived from the attendee lists. */
  myResponseType: ResponseType | null;
  exceptions: StoredException[];
}

/** One page of a mailbox's Deleted Items calendar entries, and how many there are. */
export interface DeletedCalendarItemPage {
  readonly items: StoredCalendarItem[];
  readonly total: number;
}

function toStored(e: CalendarItemEntity, exceptions: CalendarItemExceptionEntity[]): StoredCalendarItem {
  return {
    id: e.id,
    mailbox: e.mailbox,
    subject: e.subject,
    body: e.bodyType ? { type: e.bodyType, content: e.body ?? '' } : null,
    location: e.location,
    start: e.startTime,
    end: e.endTime,
    isAllDay: e.isAllDay,
    legacyFreeBusyStatus: e.legacyFreeBusyStatus,
    sensitivity: e.sensitivity,
    organizer: e.organizer,
    requiredAttendees: e.requiredAttendees,
    optionalAttendees: e.optionalAttendees,
    startTimeZone: e.startTimeZone,
    endTimeZone: e.endTimeZone,
    recurrence: e.recurrence,
    rangeStart: e.rangeStart,
    rangeEnd: e.rangeEnd,
    changeKey: e.changeKey,
    revision: e.revision,
    createdAt: e.createdAt,
    lastModifiedAt: e.lastModifiedAt,
    deletedAt: e.deletedAt,
    meetingUid: e.meetingUid,
    isCancelled: e.isCancelled,
    myResponseType: e.myResponseType,
    exceptions: exceptions
      .sort((a, b) => a.originalStart.getTime() - b.originalStart.getTime())
      .map((x): StoredException =>
        x.kind === 'deleted' || !x.startTime || !x.endTime
          ? { originalStart: x.originalStart, kind: 'deleted' }
          : { originalStart: x.originalStart, kind: 'modified', start: x.startTime, end: x.endTime, overrides: x.overrides },
      ),
  };
}

function toEntity(item: StoredCalendarItem): CalendarItemEntity {
  return Object.assign(new CalendarItemEntity(), {
    id: item.id,
    mailbox: item.mailbox,
    subject: item.subject,
    bodyType: item.body?.type ?? null,
    body: item.body?.content ?? null,
    location: item.location,
    startTime: item.start,
    endTime: item.end,
    isAllDay: item.isAllDay,
    legacyFreeBusyStatus: item.legacyFreeBusyStatus,
    sensitivity: item.sensitivity,
    organizer: item.organizer,
    requiredAttendees: item.requiredAttendees,
    optionalAttendees: item.optionalAttendees,
    startTimeZone: item.startTimeZone,
    endTimeZone: item.endTimeZone,
    recurrence: item.recurrence,
    rangeStart: item.rangeStart,
    rangeEnd: item.rangeEnd,
    changeKey: item.changeKey,
    revision: item.revision,
    createdAt: item.createdAt,
    lastModifiedAt: item.lastModifiedAt,
    deletedAt: item.deletedAt,
    meetingUid: item.meetingUid,
    isCancelled: item.isCancelled,
    myResponseType: item.myResponseType,
  });
}

/** Calendar items and their exceptions; every read is confined to one mailbox. */
export class CalendarItemRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** By id, wherever the item is (Calendar or Deleted Items: `deletedAt` tells). */
  async find(mailbox: string, id: string): Promise<StoredCalendarItem | null> {
    return this.load(this.dataSource.manager, mailbox, id, false);
  }

  /** Reads the item for update inside `tx`, so concurrent writers of one item serialize. */
  async findForUpdate(tx: Transaction, mailbox: string, id: string): Promise<StoredCalendarItem | null> {
    return this.load(tx.manager, mailbox, id, true);
  }

  /** Items in the mailbox's calendar: single items and series masters (exceptions belong to their master); Deleted Items not counted. */
  async count(mailbox: string): Promise<number> {
    return this.dataSource.manager.getRepository(CalendarItemEntity).countBy({ mailbox, deletedAt: IsNull() });
  }

  /** Calendar items (series once) in the mailbox's Deleted Items. */
  async countDeleted(mailbox: string): Promise<number> {
    return this.dataSource.manager.getRepository(CalendarItemEntity).countBy({ mailbox, deletedAt: Not(IsNull()) });
  }

  /**
   * Items of one folder [skip, skip + take), with their total: Deleted Items in the order they were
   * moved there (then by id), the Calendar by id.
   */
  async pageFolder(mailbox: string, folder: 'calendar' | 'deleteditems', skip: number, take: number): Promise<DeletedCalendarItemPage> {
    const repo = this.dataSource.manager.getRepository(CalendarItemEntity);
    const where = { mailbox, deletedAt: folder === 'calendar' ? IsNull() : Not(IsNull()) };
    if (take <= 0) return { items: [], total: await repo.countBy(where) };
    const order = folder === 'calendar' ? { id: 'ASC' as const } : { deletedAt: 'ASC' as const, id: 'ASC' as const };
    const [rows, total] = await repo.findAndCount({ where, order, skip, take });
    return { items: await this.withExceptions(this.dataSource.manager, rows), total };
  }

  /** Calendar items (not in Deleted Items) whose span may meet [from, to): the candidates a calendar view expands. */
  async findInRange(mailbox: string, from: Date, to: Date): Promise<StoredCalendarItem[]> {
    const rows = await this.dataSource.manager
      .getRepository(CalendarItemEntity)
      .createQueryBuilder('i')
      .where('i.mailbox = :mailbox', { mailbox })
      .andWhere('i.deleted_at IS NULL')
      .andWhere('i.range_start < :to', { to })
      .andWhere('(i.range_end IS NULL OR i.range_end >= :from)', { from })
      .orderBy('i.rangeStart', 'ASC')
      .addOrderBy('i.id', 'ASC')
      .getMany();
    return this.withExceptions(this.dataSource.manager, rows);
  }

  /** `findInRange` for several mailboxes at once, inside `tx` (the due-queue evaluates a batch of mailboxes). */
  async findInRangeForMailboxes(tx: Transaction, mailboxes: readonly string[], from: Date, to: Date): Promise<StoredCalendarItem[]> {
    if (mailboxes.length === 0) return [];
    const rows = await tx.manager
      .getRepository(CalendarItemEntity)
      .createQueryBuilder('i')
      .where('i.mailbox IN (:...mailboxes)', { mailboxes })
      .andWhere('i.deleted_at IS NULL')
      .andWhere('i.range_start < :to', { to })
      .andWhere('(i.range_end IS NULL OR i.range_end >= :from)', { from })
      .orderBy('i.rangeStart', 'ASC')
      .addOrderBy('i.id', 'ASC')
      .getMany();
    return this.withExceptions(tx.manager, rows);
  }

  /** Per mailbox, the earliest span start at or after `from` among calendar items (mailboxes with none are absent). */
  async firstRangeStartsFrom(tx: Transaction, mailboxes: readonly string[], from: Date): Promise<Map<string, Date>> {
    if (mailboxes.length === 0) return new Map();
    const rows: { mailbox: string; first: Date }[] = await tx.manager.query(
      `SELECT mailbox, min(range_start) AS first FROM calendar_sync.calendar_item
       WHERE mailbox = ANY($1) AND deleted_at IS NULL AND range_start >= $2 GROUP BY mailbox`,
      [mailboxes, from],
    );
    return new Map(rows.map((r) => [r.mailbox, r.first]));
  }

  /**
   * Attendee copies of a meeting (every item with its UID outside the organizer's mailbox),
   * locked inside `tx` in a fixed order so that concurrent updates of one meeting serialize.
   */
  async findMeetingCopiesForUpdate(tx: Transaction, meetingUid: string, organizerMailbox: string): Promise<StoredCalendarItem[]> {
    const rows = await tx.manager
      .getRepository(CalendarItemEntity)
      .createQueryBuilder('i')
      .where('i.meeting_uid = :meetingUid', { meetingUid })
      .andWhere('i.mailbox <> :organizerMailbox', { organizerMailbox })
      .orderBy('i.mailbox', 'ASC')
      .addOrderBy('i.id', 'ASC')
      .setLock('pessimistic_write')
      .getMany();
    return this.withExceptions(tx.manager, rows);
  }

  /** The organizer's own item of a meeting (its UID in the organizer's mailbox), locked inside `tx`. */
  async findOrganizerMeetingForUpdate(tx: Transaction, meetingUid: string, organizerMailbox: string): Promise<StoredCalendarItem | null> {
    const row = await tx.manager
      .getRepository(CalendarItemEntity)
      .findOne({ where: { meetingUid, mailbox: organizerMailbox }, order: { id: 'ASC' }, lock: { mode: 'pessimistic_write' } });
    return row ? this.load(tx.manager, organizerMailbox, row.id, false) : null;
  }

  /** Inserts or replaces the item and its exceptions. */
  async save(tx: Transaction, item: StoredCalendarItem): Promise<void> {
    await tx.manager.getRepository(CalendarItemEntity).save(toEntity(item));
    const exceptions = tx.manager.getRepository(CalendarItemExceptionEntity);
    await exceptions.delete({ itemId: item.id });
    if (item.exceptions.length === 0) return;
    await exceptions.insert(
      item.exceptions.map((x) =>
        Object.assign(new CalendarItemExceptionEntity(), {
          itemId: item.id,
          originalStart: x.originalStart,
          kind: x.kind,
          startTime: x.kind === 'modified' ? x.start : null,
          endTime: x.kind === 'modified' ? x.end : null,
          overrides: x.kind === 'modified' ? x.overrides : {},
        }),
      ),
    );
  }

  /** Deletes the item and (by cascade) its exceptions. */
  async remove(tx: Transaction, mailbox: string, id: string): Promise<boolean> {
    const result = await tx.manager.getRepository(CalendarItemEntity).delete({ mailbox, id });
    return (result.affected ?? 0) > 0;
  }

  private async withExceptions(manager: EntityManager, rows: CalendarItemEntity[]): Promise<StoredCalendarItem[]> {
    if (rows.length === 0) return [];
    const exceptions = await manager.getRepository(CalendarItemExceptionEntity).findBy({ itemId: In(rows.map((r) => r.id)) });
    return rows.map((r) =>
      toStored(
        r,
        exceptions.filter((x) => x.itemId === r.id),
      ),
    );
  }

  private async load(manager: EntityManager, mailbox: string, id: string, lock: boolean): Promise<StoredCalendarItem | null> {
    const found = await manager
      .getRepository(CalendarItemEntity)
      .findOne({ where: { mailbox, id }, ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
    if (!found) return null;
    const exceptions = await manager.getRepository(CalendarItemExceptionEntity).findBy({ itemId: id });
    return toStored(found, exceptions);
  }
}
