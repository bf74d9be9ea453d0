import { CalendarSyncDatabase } from '@parley/calendar-sync/data-access';
import {
  CalendarItemChanged,
  calendarItemFieldsSchema,
  CalendarItemInput,
  CalendarItemView,
  MeetingResponse,
  MessageDisposition,
  respondToMeetingRequestSchema,
} from '@parley/contracts';
import { randomUUID } from 'node:crypto';
import { CalendarService } from './calendar.service';
import { MeetingResponseService } from './meeting-response.service';
import { CalendarTestBed, startCalendarTestBed } from '../../test/calendar-test-bed';

const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';
const CAROL = 'carol@example.com';

describe('attendees answering meetings, on PostgreSQL', () => {
  let bed: CalendarTestBed;
  let db: CalendarSyncDatabase;
  let calendar: CalendarService;
  let responses: MeetingResponseService;

  const review: CalendarItemInput = {
    subject: 'Design review',
    start: '2031-11-21T09:00:00Z',
    end: '2031-11-21T10:00:00Z',
    requiredAttendees: [{ address: BOB }],
    optionalAttendees: [{ address: CAROL }],
  };
  const invite = (input: CalendarItemInput = review) =>
    calendar.create(randomUUID(), ALICE, calendarItemFieldsSchema.parse(input), 'SendToAllAndSaveCopy');
  const respond = (
    mailbox: string,
    itemId: string,
    response: MeetingResponse,
    messageDisposition?: MessageDisposition,
    commandId = randomUUID(),
  ) => responses.respond(commandId, respondToMeetingRequestSchema.parse({ mailbox, itemId, response, messageDisposition }));
  const day = async (mailbox: string): Promise<CalendarItemView[]> =>
    (await calendar.find({ mailbox, start: '2031-11-21T00:00:00Z', end: '2031-11-22T00:00:00Z' })).items;
  const copyOf = async (mailbox: string): Promise<CalendarItemView> => {
    const items = await day(mailbox);
    expect(items).toHaveLength(1);
    return items[0];
  };
  const organizerEntry = async (meeting: CalendarItemView, attendee: string) => {
    const current = await calendar.get({ mailbox: ALICE, target: { by: 'id', itemId: meeting.id } });
    return [...current.requiredAttendees, ...current.optionalAttendees].find((a) => a.address === attendee)?.responseType;
  };
  const events = (): Promise<CalendarItemChanged[]> => bed.itemEvents();
  const clearEvents = () => db.dataSource.query('TRUNCATE calendar_sync.outbox_message');

  beforeAll(async () => {
    bed = await startCalendarTestBed('meeting_response_it', [ALICE, BOB, CAROL]);
    ({ db, calendar } = bed);
    responses = new MeetingResponseService(db, bed.items);
  });

  afterAll(async () => {
    await bed?.close();
  });

  beforeEach(async () => {
    await db.dataSource.query('TRUNCATE calendar_sync.calendar_item CASCADE');
    await clearEvents();
  });

  it('accepts: the copy turns Busy / Accept and the organizer sees the answer on the attendee entry', async () => {
    const meeting = await invite();
    const bobs = await copyOf(BOB);
    await clearEvents();

    const answered = await respond(BOB, bobs.id, 'Accept');
    expect(answered).toMatchObject({ id: bobs.id, myResponseType: 'Accept', legacyFreeBusyStatus: 'Busy', folder: 'calendar' });
    expect(answered.changeKey).not.toBe(bobs.changeKey);
    expect(await copyOf(BOB)).toMatchObject({ myResponseType: 'Accept', legacyFreeBusyStatus: 'Busy' });
    expect(await organizerEntry(meeting, BOB)).toBe('Accept');
    // Carol has not answered; alice's own answer stays Organizer.
    expect(await organizerEntry(meeting, CAROL)).toBe('Unknown');
    expect((await copyOf(ALICE)).myResponseType).toBe('Organizer');

    const changes = await events();
    expect(changes.map((e) => [e.mailbox, e.change, e.itemId])).toEqual([
      [BOB, 'updated', bobs.id],
      [ALICE, 'updated', meeting.id],
    ]);
    expect(changes[1].item?.requiredAttendees).toEqual([{ address: BOB, responseType: 'Accept' }]);
  });

  it('tentatively accepts an optional invitation: Tentative / Tentative, recorded on the optional entry', async () => {
    const meeting = await invite();
    const carols = await copyOf(CAROL);
    await respond(CAROL, carols.id, 'Tentative', 'SendOnly');
    expect(await copyOf(CAROL)).toMatchObject({ myResponseType: 'Tentative', legacyFreeBusyStatus: 'Tentative' });
    expect(await organizerEntry(meeting, CAROL)).toBe('Tentative');
    expect(await organizerEntry(meeting, BOB)).toBe('Unknown');
  });

  it('declines: the copy leaves the calendar for Deleted Items, announced as a deletion', async () => {
    const meeting = await invite();
    const bobs = await copyOf(BOB);
    await clearEvents();

    const declined = await respond(BOB, bobs.id, 'Decline');
    expect(declined).toMatchObject({ id: bobs.id, myResponseType: 'Decline', folder: 'deleteditems' });
    expect(await day(BOB)).toEqual([]);
    expect((await calendar.findDeleted({ mailbox: BOB, offset: 0, maxEntries: 10 })).items.map((i) => [i.id, i.myResponseType])).toEqual([
      [bobs.id, 'Decline'],
    ]);
    expect(await organizerEntry(meeting, BOB)).toBe('Decline');
    expect((await events()).map((e) => [e.mailbox, e.change])).toEqual([
      [BOB, 'deleted'],
      [ALICE, 'updated'],
    ]);
    // Changing one's mind from Deleted Items brings the copy back (announced as a restore is).
    await clearEvents();
    await respond(BOB, bobs.id, 'Accept');
    expect((await events()).map((e) => [e.mailbox, e.change])).toEqual([
      [BOB, 'created'],
      [ALICE, 'updated'],
    ]);
    expect(await copyOf(BOB)).toMatchObject({ id: bobs.id, myResponseType: 'Accept', legacyFreeBusyStatus: 'Busy' });
    expect(await organizerEntry(meeting, BOB)).toBe('Accept');
  });

  it('with SaveOnly changes only the attendee copy', async () => {
    const meeting = await invite();
    const bobs = await copyOf(BOB);
    const before = await calendar.get({ mailbox: ALICE, target: { by: 'id', itemId: meeting.id } });
    await clearEvents();

    await respond(BOB, bobs.id, 'Accept', 'SaveOnly');
    expect(await copyOf(BOB)).toMatchObject({ myResponseType: 'Accept', legacyFreeBusyStatus: 'Busy' });
    const after = await calendar.get({ mailbox: ALICE, target: { by: 'id', itemId: meeting.id } });
    expect([after.changeKey, after.requiredAttendees]).toEqual([before.changeKey, before.requiredAttendees]);
    expect((await events()).map((e) => e.mailbox)).toEqual([BOB]);
  });

  it('applies the same command once', async () => {
    const meeting = await invite();
    const bobs = await copyOf(BOB);
    await clearEvents();
    const commandId = randomUUID();
    const first = await respond(BOB, bobs.id, 'Accept', 'SendAndSaveCopy', commandId);
    const again = await respond(BOB, bobs.id, 'Accept', 'SendAndSaveCopy', commandId);
    expect(again).toMatchObject({ id: first.id, changeKey: first.changeKey, revision: first.revision });
    expect(await events()).toHaveLength(2);
    expect((await calendar.get({ mailbox: ALICE, target: { by: 'id', itemId: meeting.id } })).revision).toBe(meeting.revision + 1);
  });

  it('keeps the answer when the organizer edits without moving the meeting, and asks again when it moves', async () => {
    const meeting = await invite();
    await respond(BOB, (await copyOf(BOB)).id, 'Accept');
    await calendar.update(randomUUID(), {
      mailbox: ALICE,
      itemId: meeting.id,
      conflictResolution: 'AutoResolve',
      set: { location: 'Room 9' },
      delete: [],
      sendMeetingInvitationsOrCancellations: 'SendToAllAndSaveCopy',
    });
    expect(await copyOf(BOB)).toMatchObject({ location: 'Room 9', myResponseType: 'Accept', legacyFreeBusyStatus: 'Busy' });
    await calendar.update(randomUUID(), {
      mailbox: ALICE,
      itemId: meeting.id,
      conflictResolution: 'AutoResolve',
      set: { start: '2031-11-21T11:00:00Z', end: '2031-11-21T12:00:00Z' },
      delete: [],
      sendMeetingInvitationsOrCancellations: 'SendToAllAndSaveCopy',
    });
    expect(await copyOf(BOB)).toMatchObject({ myResponseType: 'NoResponseReceived', legacyFreeBusyStatus: 'Tentative' });
  });

  describe('refuses', () => {
    it("the organizer's own meeting and a plain appointment (InvalidOperation)", async () => {
      const meeting = await invite();
      await expect(respond(ALICE, meeting.id, 'Accept')).rejects.toMatchObject({ code: 'InvalidOperation' });
      const plain = await calendar.create(
        randomUUID(),
        BOB,
        calendarItemFieldsSchema.parse({ subject: 'Focus', start: '2031-11-21T13:00:00Z', end: '2031-11-21T14:00:00Z' }),
        'SendToNone',
      );
      await expect(respond(BOB, plain.id, 'Decline')).rejects.toMatchObject({ code: 'InvalidOperation' });
      expect((await calendar.get({ mailbox: BOB, target: { by: 'id', itemId: plain.id } })).folder).toBe('calendar');
    });

    it('a cancelled copy (InvalidOperation), leaving it as it was', async () => {
      const meeting = await invite();
      const bobs = await copyOf(BOB);
      await calendar.delete(randomUUID(), { mailbox: ALICE, itemId: meeting.id, sendMeetingCancellations: 'SendToAllAndSaveCopy' });
      await expect(respond(BOB, bobs.id, 'Accept')).rejects.toMatchObject({ code: 'InvalidOperation' });
      expect(await copyOf(BOB)).toMatchObject({ isCancelled: true, legacyFreeBusyStatus: 'Free', myResponseType: 'NoResponseReceived' });
    });

    it("another mailbox's id and a malformed one (ItemNotFound), and one occurrence (InvalidOperation)", async () => {
      await invite({
        ...review,
        recurrence: {
          pattern: { type: 'Daily', interval: 1 },
          range: { type: 'Numbered', startDate: '2031-11-21', numberOfOccurrences: 3 },
        },
      });
      const bobs = await copyOf(BOB);
      await expect(respond(CAROL, bobs.id, 'Accept')).rejects.toMatchObject({ code: 'ItemNotFound' });
      await expect(respond(BOB, 'not-an-id', 'Accept')).rejects.toMatchObject({ code: 'ItemNotFound' });
      // The view lists the first occurrence, with an occurrence id.
      await expect(respond(BOB, bobs.id, 'Accept')).rejects.toMatchObject({ code: 'InvalidOperation' });
      const master = await calendar.get({ mailbox: BOB, target: { by: 'recurringMaster', occurrenceId: bobs.id } });
      expect(await respond(BOB, master.id, 'Accept')).toMatchObject({
        itemType: 'RecurringMaster',
        myResponseType: 'Accept',
        legacyFreeBusyStatus: 'Busy',
      });
      expect((await copyOf(BOB)).legacyFreeBusyStatus).toBe('Busy');
    });
  });
});
