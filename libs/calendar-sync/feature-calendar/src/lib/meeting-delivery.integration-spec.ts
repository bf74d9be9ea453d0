import { CalendarSyncDatabase } from '@parley/calendar-sync/data-access';
import {
  CalendarItemChanged,
  calendarItemFieldsSchema,
  CalendarItemInput,
  CalendarItemView,
  MeetingSendMode,
  updateCalendarItemRequestSchema,
  UpdateCalendarItemRequest,
} from '@parley/contracts';
import { migrateServiceSchema, revertServiceSchema } from '@parley/persistence';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { CalendarService } from './calendar.service';
import { CalendarTestBed, startCalendarTestBed } from '../../test/calendar-test-bed';

const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';
const CAROL = 'carol@example.com';
const OUTSIDER = 'dana@elsewhere.example';

describe('meetings delivered to attendee calendars, on PostgreSQL', () => {
  let bed: CalendarTestBed;
  let migrations: DataSource;
  let db: CalendarSyncDatabase;
  let calendar: CalendarService;

  const invite = (input: CalendarItemInput, mode: MeetingSendMode = 'SendToAllAndSaveCopy', id = randomUUID()) =>
    calendar.create(id, ALICE, calendarItemFieldsSchema.parse(input), mode);
  const update = (req: Partial<UpdateCalendarItemRequest> & Pick<UpdateCalendarItemRequest, 'itemId'>, mailbox = ALICE) =>
    calendar.update(
      randomUUID(),
      updateCalendarItemRequestSchema.parse({ mailbox, sendMeetingInvitationsOrCancellations: 'SendToAllAndSaveCopy', ...req }),
    );
  /** The mailbox's calendar on 20 November 2031. */
  const day = async (mailbox: string): Promise<CalendarItemView[]> =>
    (await calendar.find({ mailbox, start: '2031-11-20T00:00:00Z', end: '2031-11-21T00:00:00Z' })).items;
  const only = async (mailbox: string): Promise<CalendarItemView> => {
    const items = await day(mailbox);
    expect(items).toHaveLength(1);
    return items[0];
  };
  const events = (): Promise<CalendarItemChanged[]> => bed.itemEvents();

  beforeAll(async () => {
    bed = await startCalendarTestBed('meeting_it', [ALICE, BOB, CAROL]);
    ({ db, migrations, calendar } = bed);
  });

  afterAll(async () => {
    await bed?.close();
  });

  beforeEach(async () => {
    await bed.reset();
  });

  const planning: CalendarItemInput = {
    subject: 'Planning',
    body: { type: 'Text', content: 'Agenda to follow' },
    location: 'Room 4',
    start: '2031-11-20T09:00:00Z',
    end: '2031-11-20T10:00:00Z',
    startTimeZone: 'W. Europe Standard Time',
    requiredAttendees: [{ address: BOB }, { address: OUTSIDER }],
    optionalAttendees: [{ address: CAROL }],
  };

  it('places a tentative copy on each internal attendee calendar, each with its own id and event', async () => {
    const meeting = await invite(planning);
    expect(meeting).toMatchObject({ myResponseType: 'Organizer', isMeeting: true, isCancelled: false, legacyFreeBusyStatus: 'Busy' });
    expect(meeting.meetingUid).toBeTruthy();

    const bobs = await only(BOB);
    expect(bobs).toMatchObject({
      mailbox: BOB,
      subject: 'Planning',
      body: { type: 'Text', content: 'Agenda to follow' },
      location: 'Room 4',
      start: '2031-11-20T09:00:00.000Z',
      end: '2031-11-20T10:00:00.000Z',
      startTimeZone: 'W. Europe Standard Time',
      organizer: { address: ALICE },
      legacyFreeBusyStatus: 'Tentative',
      myResponseType: 'NoResponseReceived',
      isMeeting: true,
      isCancelled: false,
      meetingUid: meeting.meetingUid,
    });
    // The outsider stays on the list (nothing is delivered to it).
    expect(bobs.requiredAttendees.map((a) => a.address)).toEqual([BOB, OUTSIDER]);
    const carols = await only(CAROL);
    expect(new Set([meeting.id, bobs.id, carols.id]).size).toBe(3);

    const changes = await events();
    expect(changes.map((e) => [e.mailbox, e.change, e.itemId])).toEqual([
      [ALICE, 'created', meeting.id],
      [BOB, 'created', bobs.id],
      [CAROL, 'created', carols.id],
    ]);
    expect(changes[1].item).toMatchObject({ legacyFreeBusyStatus: 'Tentative', organizer: { address: ALICE } });
    // Ids are per mailbox: bob's id means nothing in alice's mailbox.
    await expect(calendar.get({ mailbox: ALICE, target: { by: 'id', itemId: bobs.id } })).rejects.toMatchObject({ code: 'ItemNotFound' });
  });

  it('delivers nothing with SendToNone', async () => {
    await invite(planning, 'SendToNone');
    expect(await day(BOB)).toEqual([]);
    expect((await events()).map((e) => e.mailbox)).toEqual([ALICE]);
  });

  it('applies a retried create command once: one copy per attendee', async () => {
    const commandId = randomUUID();
    const first = await invite(planning, 'SendOnlyToAll', commandId);
    const again = await invite(planning, 'SendOnlyToAll', commandId);
    expect(again.id).toBe(first.id);
    expect(await day(BOB)).toHaveLength(1);
    expect(await day(CAROL)).toHaveLength(1);
    expect((await events()).map((e) => e.mailbox)).toEqual([ALICE, BOB, CAROL]);
  });

  it('propagates an update, keeping the attendee free/busy unless the time changed; adds and cancels copies as attendees come and go', async () => {
    const meeting = await invite(planning);
    const bobs = await only(BOB);
    // bob marks his copy busy: a change of subject keeps that, a move resets it.
    await update({ itemId: bobs.id, set: { legacyFreeBusyStatus: 'Busy' }, sendMeetingInvitationsOrCancellations: 'SendToNone' }, BOB);
    await update({ itemId: meeting.id, set: { subject: 'Planning (room change)', location: 'Room 5' } });
    expect(await only(BOB)).toMatchObject({
      id: bobs.id,
      subject: 'Planning (room change)',
      location: 'Room 5',
      legacyFreeBusyStatus: 'Busy',
    });

    await update({ itemId: meeting.id, set: { start: '2031-11-20T10:00:00Z', end: '2031-11-20T11:00:00Z' } });
    expect(await only(BOB)).toMatchObject({
      id: bobs.id,
      start: '2031-11-20T10:00:00.000Z',
      legacyFreeBusyStatus: 'Tentative',
      myResponseType: 'NoResponseReceived',
    });

    // carol off, nobody new internal: carol's copy is cancelled.
    await update({ itemId: meeting.id, set: { optionalAttendees: [] }, sendMeetingInvitationsOrCancellations: 'SendOnlyToChanged' });
    expect(await only(CAROL)).toMatchObject({
      subject: 'Canceled: Planning (room change)',
      isCancelled: true,
      legacyFreeBusyStatus: 'Free',
    });
    // carol back: her copy is a live invitation again.
    await update({
      itemId: meeting.id,
      set: {
        requiredAttendees: [
          { address: BOB, responseType: 'Unknown' },
          { address: CAROL, responseType: 'Unknown' },
        ],
      },
      sendMeetingInvitationsOrCancellations: 'SendToChangedAndSaveCopy',
    });
    expect(await only(CAROL)).toMatchObject({ subject: 'Planning (room change)', isCancelled: false, legacyFreeBusyStatus: 'Tentative' });
    expect((await only(BOB)).requiredAttendees.map((a) => a.address)).toEqual([BOB, CAROL]);
  });

  it('changes only the organizer item with SendToNone, and never propagates an attendee edit', async () => {
    const meeting = await invite(planning);
    await update({ itemId: meeting.id, set: { subject: 'Private rename' }, sendMeetingInvitationsOrCancellations: 'SendToNone' });
    expect((await only(BOB)).subject).toBe('Planning');
    const bobs = await only(BOB);
    await update({ itemId: bobs.id, set: { subject: 'My notes' } }, BOB);
    expect((await only(ALICE)).subject).toBe('Private rename');
    expect((await only(CAROL)).subject).toBe('Planning');
  });

  it('cancels every copy when the organizer deletes the meeting, and leaves them with SendToNone', async () => {
    const kept = await invite(planning);
    await calendar.delete(randomUUID(), { mailbox: ALICE, itemId: kept.id, sendMeetingCancellations: 'SendToNone' });
    expect(await only(BOB)).toMatchObject({ subject: 'Planning', isCancelled: false });
    await db.dataSource.query('TRUNCATE calendar_sync.calendar_item CASCADE');

    const meeting = await invite(planning);
    await db.dataSource.query('TRUNCATE calendar_sync.outbox_message');
    await calendar.delete(randomUUID(), {
      mailbox: ALICE,
      itemId: meeting.id,
      disposal: 'MoveToDeletedItems',
      sendMeetingCancellations: 'SendToAllAndSaveCopy',
    });
    const bobs = await only(BOB);
    expect(bobs).toMatchObject({ subject: 'Canceled: Planning', isCancelled: true, legacyFreeBusyStatus: 'Free' });
    const freeBusy = await calendar.freeBusy({
      mailboxes: [BOB],
      start: '2031-11-20T00:00:00Z',
      end: '2031-11-21T00:00:00Z',
      mergedIntervalMinutes: 60,
      requestedView: 'MergedOnly',
    });
    expect(freeBusy.results[0]).toMatchObject({ ok: true, view: { mergedFreeBusy: '0'.repeat(24) } });
    expect((await events()).map((e) => [e.mailbox, e.change])).toEqual([
      [BOB, 'updated'],
      [CAROL, 'updated'],
      [ALICE, 'deleted'],
    ]);
    // The attendee may still remove the cancelled copy.
    await calendar.delete(randomUUID(), { mailbox: BOB, itemId: bobs.id });
    expect(await day(BOB)).toEqual([]);
  });

  it('carries an occurrence edit and an occurrence cancellation of a series to the copies', async () => {
    const series = await invite({
      ...planning,
      start: '2031-11-17T09:00:00Z',
      end: '2031-11-17T10:00:00Z',
      startTimeZone: 'UTC',
      recurrence: { pattern: { type: 'Daily', interval: 1 }, range: { type: 'Numbered', startDate: '2031-11-17', numberOfOccurrences: 5 } },
    });
    const thursday = (await day(ALICE))[0];
    await update({
      itemId: thursday.id,
      set: { start: '2031-11-20T13:00:00Z', end: '2031-11-20T14:00:00Z', subject: 'Planning (afternoon)' },
    });
    expect(await only(BOB)).toMatchObject({
      itemType: 'Exception',
      subject: 'Planning (afternoon)',
      start: '2031-11-20T13:00:00.000Z',
      legacyFreeBusyStatus: 'Tentative',
    });

    await calendar.delete(randomUUID(), { mailbox: ALICE, itemId: thursday.id, sendMeetingCancellations: 'SendOnlyToAll' });
    expect(await day(BOB)).toEqual([]);
    const bobsWeek = await calendar.find({ mailbox: BOB, start: '2031-11-17T00:00:00Z', end: '2031-11-22T00:00:00Z' });
    expect(bobsWeek.items).toHaveLength(4);
    expect(bobsWeek.items.every((i) => i.meetingUid === series.meetingUid)).toBe(true);
  });

  it('keeps items from before the meeting columns valid, and gives them a UID when they first reach attendees', async () => {
    await revertServiceSchema(migrations, 2); // back to before the meeting columns (and the presence timers after them)
    const id = randomUUID();
    await db.dataSource.query(
      `INSERT INTO calendar_sync.calendar_item (id, mailbox, subject, start_time, end_time, is_all_day, legacy_free_busy_status, sensitivity, organizer, required_attendees, optional_attendees,
         start_time_zone, end_time_zone, range_start, range_end, change_key, revision, created_at, last_modified_at)
       VALUES ($1, $2, 'Old meeting', '2031-11-20T15:00:00Z', '2031-11-20T16:00:00Z', false, 'Busy', 'Normal', $3, $4, '[]', 'UTC', 'UTC', '2031-11-20T15:00:00Z', '2031-11-20T16:00:00Z', 'ck', 1, now(), now())`,
      [
        id,
        ALICE,
        JSON.stringify({ address: ALICE, responseType: 'Organizer' }),
        JSON.stringify([{ address: BOB, responseType: 'Unknown' }]),
      ],
    );
    expect(await migrateServiceSchema(migrations)).toEqual(['MeetingInvitations1764400000000', 'PresenceTimers1764500000000']);
    const old = await only(ALICE);
    expect(old).toMatchObject({ subject: 'Old meeting', meetingUid: null, isCancelled: false, myResponseType: 'Organizer' });
    await update({ itemId: old.id, set: { location: 'Room 6' } });
    expect(await only(BOB)).toMatchObject({ subject: 'Old meeting', location: 'Room 6', legacyFreeBusyStatus: 'Tentative' });
    expect((await only(ALICE)).meetingUid).toBe((await only(BOB)).meetingUid);
  });
});
