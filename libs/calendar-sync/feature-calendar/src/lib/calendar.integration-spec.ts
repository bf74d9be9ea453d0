import { CalendarItemRepository, CalendarSyncDatabase } from '@parley/calendar-sync/data-access';
import {
  CalendarItemChanged,
  calendarItemFieldsSchema,
  CalendarItemInput,
  Envelope,
  updateCalendarItemRequestSchema,
  UpdateCalendarItemRequest,
  WorkingHours,
  WorkingHoursChanged,
} from '@parley/contracts';
import { migrateServiceSchema, revertServiceSchema } from '@parley/persistence';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { CalendarException } from './calendar.exception';
import { CalendarService } from './calendar.service';
import { defaultWorkingHours, WorkingHoursService } from './working-hours.service';
import { CalendarTestBed, startCalendarTestBed } from '../../test/calendar-test-bed';

const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';

describe('calendar service on PostgreSQL', () => {
  let bed: CalendarTestBed;
  let migrations: DataSource;
  let db: CalendarSyncDatabase;
  let calendar: CalendarService;
  let workingHours: WorkingHoursService;

  const fields = (input: CalendarItemInput) => calendarItemFieldsSchema.parse(input);
  const create = (mailbox: string, input: CalendarItemInput, id = randomUUID()) => calendar.create(id, mailbox, fields(input));
  const update = (req: Partial<UpdateCalendarItemRequest> & Pick<UpdateCalendarItemRequest, 'itemId'>) =>
    calendar.update(randomUUID(), updateCalendarItemRequestSchema.parse({ mailbox: ALICE, ...req }));
  const find = (mailbox: string, start: string, end: string, maxEntries?: number) => calendar.find({ mailbox, start, end, maxEntries });
  const codeOf = (promise: Promise<unknown>) =>
    promise.then(
      () => 'resolved',
      (e: unknown) => (e instanceof CalendarException ? e.code : String(e)),
    );
  const events = (): Promise<CalendarItemChanged[]> => bed.itemEvents();

  beforeAll(async () => {
    bed = await startCalendarTestBed('calendar_it', [ALICE, BOB]);
    ({ db, migrations, calendar, workingHours } = bed);
  });

  afterAll(async () => {
    await bed?.close();
  });

  beforeEach(async () => {
    await bed.reset();
  });

  const weeklyStandUp: CalendarItemInput = {
    subject: 'Stand-up',
    start: '2026-03-16T08:00:00Z', // 09:00 in Berlin
    end: '2026-03-16T08:15:00Z',
    startTimeZone: 'W. Europe Standard Time',
    legacyFreeBusyStatus: 'Busy',
    recurrence: {
      pattern: { type: 'Weekly', interval: 1, daysOfWeek: ['Monday', 'Wednesday'], firstDayOfWeek: 'Monday' },
      range: { type: 'Numbered', startDate: '2026-03-16', numberOfOccurrences: 6 },
    },
  };

  it('summarises an end-dated series and one without end for their masters', async () => {
    const endDated = await create(ALICE, {
      ...weeklyStandUp,
      recurrence: {
        pattern: { type: 'Weekly', interval: 1, daysOfWeek: ['Monday', 'Wednesday'], firstDayOfWeek: 'Monday' },
        range: { type: 'EndDate', startDate: '2026-03-16', endDate: '2026-03-30' },
      },
    });
    expect([endDated.occurrences?.first?.start, endDated.occurrences?.last?.start]).toEqual([
      '2026-03-16T08:00:00.000Z',
      '2026-03-30T07:00:00.000Z',
    ]);
    const endless = await create(ALICE, {
      ...weeklyStandUp,
      recurrence: {
        pattern: { type: 'Weekly', interval: 1, daysOfWeek: ['Monday', 'Wednesday'], firstDayOfWeek: 'Monday' },
        range: { type: 'NoEnd', startDate: '2026-03-16' },
      },
    });
    const master = await calendar.get({ mailbox: ALICE, target: { by: 'id', itemId: endless.id } });
    expect(master.occurrences).toMatchObject({ first: { start: '2026-03-16T08:00:00.000Z' }, last: null, modified: [] });
    expect(await calendar.get({ mailbox: ALICE, target: { by: 'id', itemId: master.occurrences?.first?.id ?? '' } })).toMatchObject({
      itemType: 'Occurrence',
      start: '2026-03-16T08:00:00.000Z',
    });
  });

  it('creates a weekly series and expands it in a calendar view, keeping 09:00 Berlin across the DST change', async () => {
    const series = await create(ALICE, weeklyStandUp);
    const single = await create(ALICE, {
      subject: 'Dentist',
      start: '2026-03-18T12:00:00Z',
      end: '2026-03-18T13:00:00Z',
      legacyFreeBusyStatus: 'OOF',
    });
    expect(series).toMatchObject({
      itemType: 'RecurringMaster',
      firstOccurrence: { index: 1 },
      lastOccurrence: { index: 6, originalStart: '2026-04-01T07:00:00.000Z' },
    });
    expect(series.occurrences).toMatchObject({
      first: { start: '2026-03-16T08:00:00.000Z' },
      last: { start: '2026-04-01T07:00:00.000Z', end: '2026-04-01T07:15:00.000Z' },
      modified: [],
    });

    const view = await find(ALICE, '2026-03-16T00:00:00Z', '2026-04-06T00:00:00Z');
    expect(view.items.map((i) => [i.itemType, i.subject, i.start])).toEqual([
      ['Occurrence', 'Stand-up', '2026-03-16T08:00:00.000Z'],
      ['Occurrence', 'Stand-up', '2026-03-18T08:00:00.000Z'],
      ['Single', 'Dentist', '2026-03-18T12:00:00.000Z'],
      ['Occurrence', 'Stand-up', '2026-03-23T08:00:00.000Z'],
      ['Occurrence', 'Stand-up', '2026-03-25T08:00:00.000Z'],
      ['Occurrence', 'Stand-up', '2026-03-30T07:00:00.000Z'],
      ['Occurrence', 'Stand-up', '2026-04-01T07:00:00.000Z'],
    ]);
    expect(new Set(view.items.map((i) => i.id)).size).toBe(7);
    expect(view).toMatchObject({ totalItemsInView: 7, includesLastItemInRange: true });

    // Two-step fetch as clients do it: an occurrence id resolves to that occurrence, not the master.
    const third = await calendar.get({ mailbox: ALICE, target: { by: 'id', itemId: view.items[3].id } });
    expect(third).toMatchObject({
      itemType: 'Occurrence',
      start: '2026-03-23T08:00:00.000Z',
      end: '2026-03-23T08:15:00.000Z',
      occurrence: { index: 3, seriesId: series.id },
    });
    expect(await calendar.get({ mailbox: ALICE, target: { by: 'occurrenceIndex', seriesId: series.id, index: 6 } })).toMatchObject({
      start: '2026-04-01T07:00:00.000Z',
    });
    expect(await calendar.get({ mailbox: ALICE, target: { by: 'recurringMaster', occurrenceId: third.id } })).toMatchObject({
      id: series.id,
      itemType: 'RecurringMaster',
    });
    expect(await codeOf(calendar.get({ mailbox: ALICE, target: { by: 'occurrenceIndex', seriesId: series.id, index: 7 } }))).toBe(
      'OccurrenceNotFound',
    );

    const limited = await find(ALICE, '2026-03-16T00:00:00Z', '2026-04-06T00:00:00Z', 2);
    expect(limited).toMatchObject({ totalItemsInView: 7, includesLastItemInRange: false });
    expect(limited.items).toHaveLength(2);

    expect((await events()).map((e) => [e.change, e.itemId])).toEqual([
      ['created', series.id],
      ['created', single.id],
    ]);
  });

  it('applies a create command once, however often it is delivered', async () => {
    const commandId = randomUUID();
    const first = await create(ALICE, { subject: 'Once', start: '2026-03-18T12:00:00Z', end: '2026-03-18T13:00:00Z' }, commandId);
    const again = await create(ALICE, { subject: 'Once', start: '2026-03-18T12:00:00Z', end: '2026-03-18T13:00:00Z' }, commandId);
    expect(again.id).toBe(first.id);
    expect((await find(ALICE, '2026-03-18T00:00:00Z', '2026-03-19T00:00:00Z')).items).toHaveLength(1);
    expect(await events()).toHaveLength(1);
  });

  it('checks change keys: a stale one conflicts under NeverOverwrite, and every update issues a new one', async () => {
    const item = await create(ALICE, { subject: 'Review', start: '2026-03-18T12:00:00Z', end: '2026-03-18T13:00:00Z', location: 'Room 1' });
    const renamed = await update({
      itemId: item.id,
      changeKey: item.changeKey,
      conflictResolution: 'NeverOverwrite',
      set: { subject: 'Design review' },
      delete: ['location'],
    });
    expect(renamed).toMatchObject({ subject: 'Design review', location: null, revision: 2 });
    expect(renamed.changeKey).not.toBe(item.changeKey);

    expect(
      await codeOf(
        update({ itemId: item.id, changeKey: item.changeKey, conflictResolution: 'NeverOverwrite', set: { subject: 'Lost update' } }),
      ),
    ).toBe('Conflict');
    const overwritten = await update({
      itemId: item.id,
      changeKey: item.changeKey,
      conflictResolution: 'AlwaysOverwrite',
      set: { subject: 'Forced' },
    });
    expect(overwritten).toMatchObject({ subject: 'Forced', revision: 3 });
    expect(await codeOf(update({ itemId: item.id, set: { end: '2026-03-18T11:00:00Z' } }))).toBe('InvalidDuration');
    expect(await codeOf(update({ itemId: item.id, set: { startTimeZone: 'Mars Standard Time' } }))).toBe('InvalidTimeZone');
    expect((await events()).map((e) => [e.change, e.revision])).toEqual([
      ['created', 1],
      ['updated', 2],
      ['updated', 3],
    ]);
  });

  it('modifies and deletes single occurrences, then the whole series', async () => {
    const series = await create(ALICE, weeklyStandUp);
    const window = ['2026-03-16T00:00:00Z', '2026-04-06T00:00:00Z'] as const;
    const [first, second] = (await find(ALICE, ...window)).items;

    const moved = await update({
      itemId: second.id,
      set: { start: '2026-03-18T14:00:00Z', end: '2026-03-18T15:00:00Z', subject: 'Stand-up (moved)' },
    });
    expect(moved).toMatchObject({
      itemType: 'Exception',
      start: '2026-03-18T14:00:00.000Z',
      subject: 'Stand-up (moved)',
      occurrence: { index: 2 },
    });
    expect(await codeOf(update({ itemId: second.id, set: { recurrence: null } }))).toBe('InvalidOperation');

    const deleted = await calendar.delete(randomUUID(), { mailbox: ALICE, itemId: first.id });
    expect(deleted).toMatchObject({ deleted: 'occurrence' });
    expect(await codeOf(calendar.get({ mailbox: ALICE, target: { by: 'id', itemId: first.id } }))).toBe('OccurrenceNotFound');

    const view = await find(ALICE, ...window);
    expect(view.items.map((i) => [i.itemType, i.start, i.occurrence?.index])).toEqual([
      ['Exception', '2026-03-18T14:00:00.000Z', 2],
      ['Occurrence', '2026-03-23T08:00:00.000Z', 3],
      ['Occurrence', '2026-03-25T08:00:00.000Z', 4],
      ['Occurrence', '2026-03-30T07:00:00.000Z', 5],
      ['Occurrence', '2026-04-01T07:00:00.000Z', 6],
    ]);
    const master = await calendar.get({ mailbox: ALICE, target: { by: 'id', itemId: series.id } });
    expect(master.deletedOccurrences).toEqual(['2026-03-16T08:00:00.000Z']);
    expect(master.modifiedOccurrences).toMatchObject([{ originalStart: '2026-03-18T08:00:00.000Z', start: '2026-03-18T14:00:00.000Z' }]);
    // The summary skips the deleted first occurrence and names the moved one by its own id.
    expect(master.occurrences).toEqual({
      first: {
        id: second.id,
        start: '2026-03-18T14:00:00.000Z',
        end: '2026-03-18T15:00:00.000Z',
        originalStart: '2026-03-18T08:00:00.000Z',
      },
      last: {
        id: view.items[4].id,
        start: '2026-04-01T07:00:00.000Z',
        end: '2026-04-01T07:15:00.000Z',
        originalStart: '2026-04-01T07:00:00.000Z',
      },
      modified: [
        { id: second.id, start: '2026-03-18T14:00:00.000Z', end: '2026-03-18T15:00:00.000Z', originalStart: '2026-03-18T08:00:00.000Z' },
      ],
    });
    expect(await calendar.get({ mailbox: ALICE, target: { by: 'id', itemId: master.occurrences?.modified[0].id ?? '' } })).toMatchObject({
      itemType: 'Exception',
      subject: 'Stand-up (moved)',
    });
    const published = (await events()).at(-1)?.item;
    expect(published?.occurrences?.modified).toHaveLength(1);

    expect(await calendar.delete(randomUUID(), { mailbox: ALICE, itemId: series.id })).toMatchObject({ deleted: 'item' });
    expect((await find(ALICE, ...window)).items).toEqual([]);
    expect(await codeOf(calendar.get({ mailbox: ALICE, target: { by: 'id', itemId: series.id } }))).toBe('ItemNotFound');
    expect((await events()).map((e) => [e.change, e.originalStart])).toEqual([
      ['created', null],
      ['updated', '2026-03-18T08:00:00.000Z'],
      ['updated', '2026-03-16T08:00:00.000Z'],
      ['deleted', null],
    ]);
  });

  it('moves a series to Deleted Items: out of views, free/busy and counts, announced as deleted, readable and listed there; removed from there by a second delete', async () => {
    const items = new CalendarItemRepository(db.dataSource);
    const series = await create(ALICE, weeklyStandUp);
    const lunch = await create(ALICE, { subject: 'Lunch', start: '2026-03-17T12:00:00Z', end: '2026-03-17T13:00:00Z' });
    const window = ['2026-03-16T00:00:00Z', '2026-04-06T00:00:00Z'] as const;
    const moveId = randomUUID();
    const now = new Date('2026-03-10T09:00:00Z');
    expect(await calendar.delete(moveId, { mailbox: ALICE, itemId: series.id, disposal: 'MoveToDeletedItems' }, now)).toMatchObject({
      deleted: 'item',
    });
    // A redelivered command changes nothing (it does not remove the item from Deleted Items).
    expect(await calendar.delete(moveId, { mailbox: ALICE, itemId: series.id, disposal: 'MoveToDeletedItems' })).toMatchObject({
      deleted: 'item',
    });

    expect((await find(ALICE, ...window)).items.map((i) => i.subject)).toEqual(['Lunch']);
    const busy = await calendar.freeBusy({
      requester: ALICE,
      mailboxes: [ALICE],
      start: window[0],
      end: window[1],
      mergedIntervalMinutes: 30,
      requestedView: 'FreeBusy',
    });
    expect(busy.results[0].ok && busy.results[0].view.calendarEvents?.map((e) => e.start)).toEqual(['2026-03-17T12:00:00.000Z']);
    expect(await items.count(ALICE)).toBe(1);
    expect(await calendar.get({ mailbox: ALICE, target: { by: 'id', itemId: series.id } })).toMatchObject({
      itemType: 'RecurringMaster',
      subject: 'Stand-up',
      folder: 'deleteditems',
      revision: 2,
    });
    expect(await calendar.get({ mailbox: ALICE, target: { by: 'id', itemId: lunch.id } })).toMatchObject({ folder: 'calendar' });
    expect(await calendar.findDeleted({ mailbox: ALICE, offset: 0, maxEntries: 10 })).toMatchObject({
      total: 1,
      items: [{ id: series.id, folder: 'deleteditems' }],
    });
    expect(await calendar.findDeleted({ mailbox: BOB, offset: 0, maxEntries: 10 })).toEqual({ items: [], total: 0 });
    expect((await events()).map((e) => [e.change, e.itemId, e.item])).toEqual([
      ['created', series.id, expect.anything()],
      ['created', lunch.id, expect.anything()],
      ['deleted', series.id, null],
    ]);

    // Deleting it again (MoveToDeletedItems or HardDelete alike) removes it from Deleted Items.
    await calendar.delete(randomUUID(), { mailbox: ALICE, itemId: series.id, disposal: 'MoveToDeletedItems' });
    expect(await codeOf(calendar.get({ mailbox: ALICE, target: { by: 'id', itemId: series.id } }))).toBe('ItemNotFound');
    expect((await calendar.findDeleted({ mailbox: ALICE, offset: 0, maxEntries: 10 })).total).toBe(0);

    // HardDelete from the calendar removes at once.
    await calendar.delete(randomUUID(), { mailbox: ALICE, itemId: lunch.id, disposal: 'HardDelete' });
    expect(await codeOf(calendar.get({ mailbox: ALICE, target: { by: 'id', itemId: lunch.id } }))).toBe('ItemNotFound');
    expect(await calendar.findDeleted({ mailbox: ALICE, offset: 0, maxEntries: 10 })).toEqual({ items: [], total: 0 });
    expect((await events()).map((e) => e.change)).toEqual(['created', 'created', 'deleted', 'deleted', 'deleted']);
  });

  it('moves a series to Deleted Items and back: views, free/busy and counts follow, each real move announced once', async () => {
    const items = new CalendarItemRepository(db.dataSource);
    const series = await create(ALICE, weeklyStandUp);
    const window = ['2026-03-16T00:00:00Z', '2026-04-06T00:00:00Z'] as const;
    const out = await calendar.move(randomUUID(), { mailbox: ALICE, itemId: series.id, to: 'deleteditems' });
    expect(out).toMatchObject({ id: series.id, folder: 'deleteditems', revision: 2 });
    expect((await find(ALICE, ...window)).items).toEqual([]);

    const restoreId = randomUUID();
    const back = await calendar.move(restoreId, { mailbox: ALICE, itemId: series.id, to: 'calendar' });
    expect(back).toMatchObject({ id: series.id, folder: 'calendar', revision: 3 });
    expect(back.changeKey).not.toBe(out.changeKey);
    // A redelivered command and a move to the folder the item is in change nothing.
    expect(await calendar.move(restoreId, { mailbox: ALICE, itemId: series.id, to: 'calendar' })).toEqual(back);
    expect(await calendar.move(randomUUID(), { mailbox: ALICE, itemId: series.id, to: 'calendar' })).toEqual(back);

    expect((await find(ALICE, ...window)).items).toHaveLength(6);
    const busy = await calendar.freeBusy({
      requester: ALICE,
      mailboxes: [ALICE],
      start: window[0],
      end: window[1],
      mergedIntervalMinutes: 30,
      requestedView: 'FreeBusy',
    });
    expect(busy.results[0].ok && busy.results[0].view.calendarEvents).toHaveLength(6);
    expect(await items.count(ALICE)).toBe(1);
    expect(await calendar.findDeleted({ mailbox: ALICE, offset: 0, maxEntries: 10 })).toEqual({ items: [], total: 0 });
    expect((await events()).map((e) => [e.change, e.revision, e.item?.folder ?? null])).toEqual([
      ['created', 1, 'calendar'],
      ['deleted', 2, null],
      ['created', 3, 'calendar'],
    ]);
  });

  it("refuses to move one occurrence, and never moves another mailbox's item", async () => {
    const series = await create(ALICE, weeklyStandUp);
    const [first] = (await find(ALICE, '2026-03-16T00:00:00Z', '2026-03-17T00:00:00Z')).items;
    expect(await codeOf(calendar.move(randomUUID(), { mailbox: ALICE, itemId: first.id, to: 'deleteditems' }))).toBe('InvalidOperation');
    expect(await codeOf(calendar.move(randomUUID(), { mailbox: BOB, itemId: series.id, to: 'deleteditems' }))).toBe('ItemNotFound');
    expect(await calendar.get({ mailbox: ALICE, target: { by: 'id', itemId: series.id } })).toMatchObject({
      folder: 'calendar',
      revision: 1,
    });
  });

  it('pages Deleted Items in the order items were moved there', async () => {
    const made = [];
    for (let i = 0; i < 3; i++)
      made.push(await create(ALICE, { subject: `D${i}`, start: '2026-03-17T12:00:00Z', end: '2026-03-17T13:00:00Z' }));
    for (const [i, item] of [made[2], made[0], made[1]].entries()) {
      await calendar.delete(
        randomUUID(),
        { mailbox: ALICE, itemId: item.id, disposal: 'MoveToDeletedItems' },
        new Date(Date.UTC(2026, 2, 10, 9, i)),
      );
    }
    const page = await calendar.findDeleted({ mailbox: ALICE, offset: 1, maxEntries: 1 });
    expect([page.items.map((i) => i.subject), page.total]).toEqual([['D0'], 3]);
    expect((await calendar.findDeleted({ mailbox: ALICE, offset: 0, maxEntries: 0 })).total).toBe(3);
  });

  it('pages the Calendar folder by id with folder calendar (series once, Deleted Items left out)', async () => {
    const made = [];
    for (let i = 0; i < 3; i++)
      made.push(await create(ALICE, { subject: `C${i}`, start: '2026-03-17T12:00:00Z', end: '2026-03-17T13:00:00Z' }));
    await calendar.delete(randomUUID(), { mailbox: ALICE, itemId: made[1].id, disposal: 'MoveToDeletedItems' });
    const byId = [made[0], made[2]].map((i) => i.id).sort();
    const first = await calendar.findDeleted({ mailbox: ALICE, folder: 'calendar', offset: 0, maxEntries: 1 });
    const second = await calendar.findDeleted({ mailbox: ALICE, folder: 'calendar', offset: 1, maxEntries: 1 });
    expect([first.items.map((i) => i.id), second.items.map((i) => i.id), first.total]).toEqual([[byId[0]], [byId[1]], 2]);
    expect(first.items[0]).toMatchObject({ folder: 'calendar' });
    expect(
      (await calendar.findDeleted({ mailbox: ALICE, folder: 'deleteditems', offset: 0, maxEntries: 10 })).items.map((i) => i.id),
    ).toEqual([made[1].id]);
  });

  it("never resolves one mailbox's id in another mailbox", async () => {
    const item = await create(ALICE, { subject: 'Private', start: '2026-03-18T12:00:00Z', end: '2026-03-18T13:00:00Z' });
    expect(await codeOf(calendar.get({ mailbox: BOB, target: { by: 'id', itemId: item.id } }))).toBe('ItemNotFound');
    expect(
      await codeOf(
        calendar.update(
          randomUUID(),
          updateCalendarItemRequestSchema.parse({ mailbox: BOB, itemId: item.id, set: { subject: 'Hijacked' } }),
        ),
      ),
    ).toBe('ItemNotFound');
    expect(await codeOf(calendar.delete(randomUUID(), { mailbox: BOB, itemId: item.id }))).toBe('ItemNotFound');
    expect(await calendar.get({ mailbox: ALICE, target: { by: 'id', itemId: item.id } })).toMatchObject({ subject: 'Private' });
  });

  it('answers free/busy for several mailboxes: merged stream, events, details only for the requester, unknown mailboxes flagged', async () => {
    await create(ALICE, { ...weeklyStandUp, subject: 'Stand-up' });
    await create(ALICE, {
      subject: 'Lunch?',
      start: '2026-03-16T11:00:00Z',
      end: '2026-03-16T12:00:00Z',
      legacyFreeBusyStatus: 'Tentative',
      location: 'Canteen',
    });
    await create(BOB, { subject: 'Offsite', start: '2026-03-16T08:30:00Z', end: '2026-03-16T10:00:00Z', legacyFreeBusyStatus: 'OOF' });

    const reply = await calendar.freeBusy({
      requester: ALICE,
      mailboxes: [ALICE, BOB, 'nobody@example.com'],
      start: '2026-03-16T08:00:00Z',
      end: '2026-03-16T12:00:00Z',
      mergedIntervalMinutes: 30,
      requestedView: 'DetailedMerged',
    });
    const [alice, bob, nobody] = reply.results;
    expect(alice).toMatchObject({ ok: true, view: { viewType: 'DetailedMerged', mergedFreeBusy: '20000011' } });
    expect(alice.ok && alice.view.calendarEvents).toMatchObject([
      {
        start: '2026-03-16T08:00:00.000Z',
        end: '2026-03-16T08:15:00.000Z',
        busyType: 'Busy',
        details: { subject: 'Stand-up', isRecurring: true },
      },
      { busyType: 'Tentative', details: { subject: 'Lunch?', location: 'Canteen', isRecurring: false } },
    ]);
    expect(bob).toMatchObject({
      ok: true,
      view: { viewType: 'FreeBusyMerged', mergedFreeBusy: '03330000', calendarEvents: [{ busyType: 'OOF', details: null }] },
    });
    expect(nobody).toEqual({ mailbox: 'nobody@example.com', ok: false, error: { code: 'MailboxNotFound', message: expect.any(String) } });

    const mergedOnly = await calendar.freeBusy({
      mailboxes: [ALICE],
      start: '2026-03-16T08:00:00Z',
      end: '2026-03-16T09:00:00Z',
      mergedIntervalMinutes: 15,
      requestedView: 'MergedOnly',
    });
    expect(mergedOnly.results[0]).toMatchObject({
      ok: true,
      view: { viewType: 'MergedOnly', mergedFreeBusy: '2000', calendarEvents: null },
    });
  });

  it("answers each mailbox's working hours in free/busy views with events: stored ones, else the default", async () => {
    const berlin: WorkingHours = { timeZone: 'Europe/Berlin', days: ['Friday', 'Monday'], startMinutes: 540, endMinutes: 1080 };
    expect(await workingHours.set(randomUUID(), { mailbox: BOB, workingHours: berlin })).toMatchObject({ isDefault: false, revision: 1 });
    const window = { start: '2026-03-16T08:00:00Z', end: '2026-03-16T12:00:00Z', mergedIntervalMinutes: 30 };

    const reply = await calendar.freeBusy({ requester: ALICE, mailboxes: [ALICE, BOB], ...window, requestedView: 'Detailed' });
    expect(reply.results.map((r) => r.ok && r.view.workingHours)).toEqual([
      defaultWorkingHours('UTC'),
      { timeZone: 'W. Europe Standard Time', days: ['Monday', 'Friday'], startMinutes: 540, endMinutes: 1080 },
    ]);
    const mergedOnly = await calendar.freeBusy({ mailboxes: [BOB], ...window, requestedView: 'MergedOnly' });
    expect(mergedOnly.results[0]).toMatchObject({ ok: true, view: { workingHours: null } });

    // Reset: the default again, the revision counting on; the row keeps the hours columns empty.
    expect(await workingHours.set(randomUUID(), { mailbox: BOB, workingHours: null })).toMatchObject({ isDefault: true, revision: 2 });
    const after = await calendar.freeBusy({ mailboxes: [BOB], ...window, requestedView: 'FreeBusy' });
    expect(after.results[0]).toMatchObject({ ok: true, view: { workingHours: defaultWorkingHours('UTC') } });
    expect(await db.dataSource.query(`SELECT time_zone, days, revision FROM calendar_sync.working_hours`)).toEqual([
      { time_zone: null, days: null, revision: 2 },
    ]);
    // Both changes went out through the outbox, keyed by the mailbox.
    const announced = (await db.dataSource.query(
      `SELECT message_key, envelope FROM calendar_sync.outbox_message WHERE topic = 'calendar.working-hours.changed.v1' ORDER BY seq`,
    )) as {
      message_key: string;
      envelope: Envelope<WorkingHoursChanged>;
    }[];
    expect(announced.map((r) => [r.message_key, r.envelope.payload.workingHours?.timeZone ?? null, r.envelope.payload.revision])).toEqual([
      [BOB, 'W. Europe Standard Time', 1],
      [BOB, null, 2],
    ]);
  });

  it('keeps working hours consistent in the table itself', async () => {
    const insert = (values: string) =>
      db.dataSource.query(
        `INSERT INTO calendar_sync.working_hours (mailbox, time_zone, days, start_minutes, end_minutes, revision, updated_at) VALUES ${values}`,
      );
    await expect(insert(`('a@x', 'UTC', ARRAY['Monday'], 600, 540, 1, now())`)).rejects.toThrow(/ck_working_hours_span/);
    await expect(insert(`('a@x', 'UTC', NULL, 540, 600, 1, now())`)).rejects.toThrow(/ck_working_hours_all_or_none/);
    await expect(insert(`('a@x', 'UTC', ARRAY['Someday'], 540, 600, 1, now())`)).rejects.toThrow(/violates check constraint/);
  });

  it('has a migration that reverts and re-applies cleanly', async () => {
    // The tasks, working-hours, deleted-items and meeting-invitations migrations came after this one: revert all five, re-apply them.
    await revertServiceSchema(migrations, 6);
    const [{ exists }] = await migrations.query(`SELECT to_regclass('calendar_sync.calendar_item') IS NOT NULL AS exists`);
    expect(exists).toBe(false);
    expect(await migrateServiceSchema(migrations)).toEqual([
      'CalendarItems1764000000000',
      'Tasks1764100000000',
      'WorkingHours1764200000000',
      'DeletedItems1764300000000',
      'MeetingInvitations1764400000000',
      'PresenceTimers1764500000000',
    ]);
  });
});
