// Calendar items as a user of a real EWS client sees them, against every deployment (see
// ews-deployment.ts): a weekly series created, found (expanded), bound by occurrence id (also from
// the master's First/Last/ModifiedOccurrences), updated with a stale change key, deleted occurrence
// by occurrence; Deleted Items (MoveToDeletedItems, then HardDelete or a Move back to the calendar);
// impersonation and access rules.
// Meetings reach the attendees that are Parley mailboxes (invited, moved, cancelled), who answer
// them (accept, decline).
// Everything happens in March 2031, except the Deleted Items cases (bob, 14 and 22 October 2031),
// the meetings (Thursday 20 November 2031) and the answers to meetings (Friday 21 November 2031).
import * as ews from 'ews-javascript-api';
import { waitFor } from '@parley/testing';
import { errorOf, EwsDeployment } from './ews-deployment';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
// Monday 3 March 2031, 10:00 UTC (the client runs in UTC here).
const SERIES_START = Date.UTC(2031, 2, 3, 10, 0, 0);

async function createWeeklySeries(service: ews.ExchangeService, subject: string, attendee: string): Promise<string> {
  const appointment = new ews.Appointment(service);
  appointment.Subject = subject;
  appointment.Body = new ews.MessageBody(ews.BodyType.Text, 'Weekly sync, all welcome');
  appointment.Location = 'Room 1';
  appointment.Start = new ews.DateTime(SERIES_START);
  appointment.End = new ews.DateTime(SERIES_START + HOUR);
  appointment.RequiredAttendees.Add(attendee);
  // (The typings only declare the no-argument constructor.)
  const pattern = new ews.Recurrence.WeeklyPattern();
  pattern.StartDate = new ews.DateTime(SERIES_START);
  pattern.Interval = 1;
  pattern.DaysOfTheWeek.AddRange([ews.DayOfTheWeek.Monday, ews.DayOfTheWeek.Wednesday]);
  pattern.NumberOfOccurrences = 6;
  appointment.Recurrence = pattern;
  await appointment.Save(ews.SendInvitationsMode.SendToNone);
  expect(appointment.Id.UniqueId).toBeTruthy();
  return appointment.Id.UniqueId;
}

async function findInMarch(service: ews.ExchangeService): Promise<ews.Appointment[]> {
  const view = new ews.CalendarView(new ews.DateTime(Date.UTC(2031, 2, 1)), new ews.DateTime(Date.UTC(2031, 3, 1)));
  return (await service.FindAppointments(ews.WellKnownFolderName.Calendar, view)).Items;
}

// Thursday 20 November 2031, 14:00 UTC: no other scenario uses that day.
const MEETING_START = Date.UTC(2031, 10, 20, 14, 0, 0);

async function findOnMeetingDay(service: ews.ExchangeService): Promise<ews.Appointment[]> {
  const view = new ews.CalendarView(new ews.DateTime(Date.UTC(2031, 10, 20)), new ews.DateTime(Date.UTC(2031, 10, 21)));
  return (await service.FindAppointments(ews.WellKnownFolderName.Calendar, view)).Items;
}

/**
 * Bob's only appointment that day once it matches. calendar-sync writes the copy in the
 * organizer's transaction, so it is there at once; the short poll only spares a flake.
 */
async function bobsCopy(bob: ews.ExchangeService, matches: (a: ews.Appointment) => boolean): Promise<ews.Appointment> {
  return waitFor(
    async () => {
      const items = await findOnMeetingDay(bob);
      return items.length === 1 && matches(items[0]) ? items[0] : null;
    },
    { timeoutMs: 5_000, what: "bob's copy of the meeting" },
  );
}

async function createMeeting(
  alice: ews.ExchangeService,
  subject: string,
  attendees: string[],
  mode: ews.SendInvitationsMode,
  start = MEETING_START,
): Promise<ews.Appointment> {
  const meeting = new ews.Appointment(alice);
  meeting.Subject = subject;
  meeting.Location = 'Room 7';
  meeting.Start = new ews.DateTime(start);
  meeting.End = new ews.DateTime(start + HOUR);
  for (const attendee of attendees) meeting.RequiredAttendees.Add(attendee);
  await meeting.Save(mode);
  return meeting;
}

// Friday 21 November 2031, 09:00 UTC: no other scenario uses that day.
const ANSWER_DAY_START = Date.UTC(2031, 10, 21, 9, 0, 0);

async function findOnAnswerDay(service: ews.ExchangeService): Promise<ews.Appointment[]> {
  const view = new ews.CalendarView(new ews.DateTime(Date.UTC(2031, 10, 21)), new ews.DateTime(Date.UTC(2031, 10, 22)));
  return (await service.FindAppointments(ews.WellKnownFolderName.Calendar, view)).Items;
}

/** Bob's copy of the meeting called `subject` on the answer day, bound with every property. */
async function bobsInvitation(bob: ews.ExchangeService, subject: string): Promise<ews.Appointment> {
  const listed = await waitFor(async () => (await findOnAnswerDay(bob)).find((a) => a.Subject === subject) ?? null, {
    timeoutMs: 5_000,
    what: `bob's copy of ${subject}`,
  });
  return ews.Appointment.Bind(bob, listed.Id);
}

/**
 * Bob's answer as alice's meeting records it. calendar-sync writes it with bob's answer, in one
 * transaction; the short poll only spares a flake.
 */
async function answerSeenByOrganizer(alice: ews.ExchangeService, meeting: ews.Appointment, expected: string): Promise<string> {
  const answerOf = async () => {
    const organizers = await ews.Appointment.Bind(alice, meeting.Id);
    return ews.MeetingResponseType[organizers.RequiredAttendees._getItem(0).ResponseType];
  };
  return waitFor(async () => ((await answerOf()) === expected ? expected : null), {
    timeoutMs: 5_000,
    what: `alice seeing bob's ${expected}`,
  });
}

export function calendarScenarios(deployment: () => EwsDeployment): void {
  describe('calendar items', () => {
    it('creates a weekly series, finds it expanded by a CalendarView, and binds to an occurrence by its own id', async () => {
      const d = deployment();
      const alice = d.client('alice');
      const seriesId = await createWeeklySeries(alice, 'Team sync', d.address('bob'));
      const occurrences = (await findInMarch(alice)).filter((a) => a.Subject === 'Team sync');
      expect(occurrences.map((a) => a.Start.TotalMilliSeconds)).toEqual([0, 2, 7, 9, 14, 16].map((n) => SERIES_START + n * DAY));
      expect(occurrences.every((a) => ews.AppointmentType[a.AppointmentType] === 'Occurrence')).toBe(true);
      expect(new Set(occurrences.map((a) => a.Id.UniqueId)).size).toBe(6);

      const third = await ews.Appointment.Bind(alice, new ews.ItemId(occurrences[2].Id.UniqueId));
      expect([third.Subject, third.Location]).toEqual(['Team sync', 'Room 1']);
      expect([third.Start.TotalMilliSeconds, third.End.TotalMilliSeconds]).toEqual([SERIES_START + 7 * DAY, SERIES_START + 7 * DAY + HOUR]);

      // Move the fifth occurrence (Monday 17 March) two hours later: the master lists it as modified.
      const fifth = await ews.Appointment.BindToOccurrence(alice, new ews.ItemId(seriesId), 5);
      fifth.Start = new ews.DateTime(SERIES_START + 14 * DAY + 2 * HOUR);
      fifth.End = new ews.DateTime(SERIES_START + 14 * DAY + 3 * HOUR);
      await fifth.Update(ews.ConflictResolutionMode.AlwaysOverwrite, ews.SendInvitationsOrCancellationsMode.SendToNone);

      const master = await ews.Appointment.Bind(alice, new ews.ItemId(seriesId));
      expect(ews.AppointmentType[master.AppointmentType]).toBe('RecurringMaster');
      expect(master.Body.Text).toBe('Weekly sync, all welcome');
      expect(master.FirstOccurrence.Start.TotalMilliSeconds).toBe(SERIES_START);
      expect(master.LastOccurrence.Start.TotalMilliSeconds).toBe(SERIES_START + 16 * DAY);
      expect(master.ModifiedOccurrences.Count).toBe(1);
      const modified = master.ModifiedOccurrences._getItem(0);
      expect([modified.Start.TotalMilliSeconds, modified.OriginalStart.TotalMilliSeconds]).toEqual([
        SERIES_START + 14 * DAY + 2 * HOUR,
        SERIES_START + 14 * DAY,
      ]);
      // Each ItemId binds its own occurrence, not the master.
      const first = await ews.Appointment.Bind(alice, master.FirstOccurrence.ItemId);
      expect([ews.AppointmentType[first.AppointmentType], first.Start.TotalMilliSeconds]).toEqual(['Occurrence', SERIES_START]);
      const last = await ews.Appointment.Bind(alice, master.LastOccurrence.ItemId);
      expect([ews.AppointmentType[last.AppointmentType], last.Start.TotalMilliSeconds, last.End.TotalMilliSeconds]).toEqual([
        'Occurrence',
        SERIES_START + 16 * DAY,
        SERIES_START + 16 * DAY + HOUR,
      ]);
      const moved = await ews.Appointment.Bind(alice, modified.ItemId);
      expect([ews.AppointmentType[moved.AppointmentType], moved.Start.TotalMilliSeconds]).toEqual([
        'Exception',
        SERIES_START + 14 * DAY + 2 * HOUR,
      ]);
      expect(moved.Id.UniqueId).toBe(fifth.Id.UniqueId);
      expect(master.RequiredAttendees.Count).toBe(1);
      expect(master.RequiredAttendees._getItem(0).Address).toBe(d.address('bob'));
      const weekly = master.Recurrence as InstanceType<typeof ews.Recurrence.WeeklyPattern>;
      expect(weekly).toBeInstanceOf(ews.Recurrence.WeeklyPattern);
      expect(weekly.NumberOfOccurrences).toBe(6);

      const byIndex = await ews.Appointment.BindToOccurrence(alice, new ews.ItemId(seriesId), 4);
      expect([byIndex.Start.TotalMilliSeconds, byIndex.End.TotalMilliSeconds]).toEqual([
        SERIES_START + 9 * DAY,
        SERIES_START + 9 * DAY + HOUR,
      ]);
    });

    it('updates subject and location, and refuses a stale change key under NeverOverwrite', async () => {
      const alice = deployment().client('alice');
      const appointment = new ews.Appointment(alice);
      appointment.Subject = 'Dentist';
      appointment.Start = new ews.DateTime(Date.UTC(2031, 2, 20, 8, 0, 0));
      appointment.End = new ews.DateTime(Date.UTC(2031, 2, 20, 9, 0, 0));
      await appointment.Save(ews.SendInvitationsMode.SendToNone);

      const first = await ews.Appointment.Bind(alice, appointment.Id);
      const stale = await ews.Appointment.Bind(alice, appointment.Id);
      first.Subject = 'Dentist (moved room)';
      first.Location = 'Clinic B';
      await first.Update(ews.ConflictResolutionMode.NeverOverwrite, ews.SendInvitationsOrCancellationsMode.SendToNone);

      stale.Subject = 'Stale edit';
      const conflict = await errorOf(
        stale.Update(ews.ConflictResolutionMode.NeverOverwrite, ews.SendInvitationsOrCancellationsMode.SendToNone),
      );
      expect(conflict.code).toBe('ErrorIrresolvableConflict');

      const read = await ews.Appointment.Bind(alice, appointment.Id);
      expect([read.Subject, read.Location]).toEqual(['Dentist (moved room)', 'Clinic B']);
    });

    it('deletes one occurrence, then the whole series', async () => {
      const d = deployment();
      const alice = d.client('alice');
      const seriesId = await createWeeklySeries(alice, 'Deletable sync', d.address('bob'));
      const occurrence = await ews.Appointment.BindToOccurrence(alice, new ews.ItemId(seriesId), 2);
      await occurrence.Delete(ews.DeleteMode.HardDelete, ews.SendCancellationsMode.SendToNone);
      const left = (await findInMarch(alice)).filter((a) => a.Subject === 'Deletable sync');
      expect(left.map((a) => a.Start.TotalMilliSeconds)).toEqual([0, 7, 9, 14, 16].map((n) => SERIES_START + n * DAY));

      const master = await ews.Appointment.Bind(alice, new ews.ItemId(seriesId));
      await master.Delete(ews.DeleteMode.MoveToDeletedItems, ews.SendCancellationsMode.SendToNone);
      expect((await findInMarch(alice)).filter((a) => a.Subject === 'Deletable sync')).toEqual([]);
      // The series now lives in Deleted Items (MoveToDeletedItems); a HardDelete removes it for good.
      const binned = await ews.Appointment.Bind(alice, new ews.ItemId(seriesId));
      expect(binned.ParentFolderId.UniqueId).toBe((await ews.Folder.Bind(alice, ews.WellKnownFolderName.DeletedItems)).Id.UniqueId);
      await binned.Delete(ews.DeleteMode.HardDelete, ews.SendCancellationsMode.SendToNone);
      expect((await errorOf(ews.Appointment.Bind(alice, new ews.ItemId(seriesId)))).code).toBe('ErrorItemNotFound');
    });

    it('moves an appointment to Deleted Items (gone from the calendar view, found there), then hard-deletes it for good', async () => {
      const d = deployment();
      const bob = d.client('bob');
      // Tuesday 14 October 2031, 15:00 UTC: a day no other scenario uses (in bob's calendar or anyone's).
      const start = Date.UTC(2031, 9, 14, 15, 0, 0);
      const appointment = new ews.Appointment(bob);
      appointment.Subject = 'Binned review';
      appointment.Start = new ews.DateTime(start);
      appointment.End = new ews.DateTime(start + HOUR);
      await appointment.Save(ews.SendInvitationsMode.SendToNone);
      const id = appointment.Id.UniqueId;
      const thatDay = async () =>
        (
          await bob.FindAppointments(
            ews.WellKnownFolderName.Calendar,
            new ews.CalendarView(new ews.DateTime(Date.UTC(2031, 9, 14)), new ews.DateTime(Date.UTC(2031, 9, 15))),
          )
        ).Items.map((a) => a.Subject);
      const inDeletedItems = async () =>
        (await bob.FindItems(ews.WellKnownFolderName.DeletedItems, new ews.ItemView(100))).Items.filter((i) => i.Id.UniqueId === id);
      const binCount = async () => (await ews.Folder.Bind(bob, ews.WellKnownFolderName.DeletedItems)).TotalCount;
      expect(await thatDay()).toEqual(['Binned review']);
      const before = await binCount();

      await appointment.Delete(ews.DeleteMode.MoveToDeletedItems, ews.SendCancellationsMode.SendToNone);
      expect(await thatDay()).toEqual([]);
      expect((await inDeletedItems()).map((i) => i.Subject)).toEqual(['Binned review']);
      expect(await binCount()).toBe(before + 1);
      const deletedItems = await ews.Folder.Bind(bob, ews.WellKnownFolderName.DeletedItems);
      const bound = await ews.Appointment.Bind(bob, new ews.ItemId(id));
      expect([bound.Subject, bound.Start.TotalMilliSeconds, bound.ParentFolderId.UniqueId]).toEqual([
        'Binned review',
        start,
        deletedItems.Id.UniqueId,
      ]);

      await bound.Delete(ews.DeleteMode.HardDelete, ews.SendCancellationsMode.SendToNone);
      expect(await inDeletedItems()).toEqual([]);
      expect(await binCount()).toBe(before);
      expect((await errorOf(ews.Appointment.Bind(bob, new ews.ItemId(id)))).code).toBe('ErrorItemNotFound');
      expect(await thatDay()).toEqual([]);
    });

    it('restores an appointment from Deleted Items with Move (back in the calendar view); refuses other folders and copies', async () => {
      const d = deployment();
      const bob = d.client('bob');
      // Wednesday 22 October 2031, 15:00 UTC: a day no other scenario uses.
      const start = Date.UTC(2031, 9, 22, 15, 0, 0);
      const appointment = new ews.Appointment(bob);
      appointment.Subject = 'Restored review';
      appointment.Start = new ews.DateTime(start);
      appointment.End = new ews.DateTime(start + HOUR);
      await appointment.Save(ews.SendInvitationsMode.SendToNone);
      const thatDay = async () =>
        (
          await bob.FindAppointments(
            ews.WellKnownFolderName.Calendar,
            new ews.CalendarView(new ews.DateTime(Date.UTC(2031, 9, 22)), new ews.DateTime(Date.UTC(2031, 9, 23))),
          )
        ).Items.map((a) => a.Subject);
      const binCount = async () => (await ews.Folder.Bind(bob, ews.WellKnownFolderName.DeletedItems)).TotalCount;
      const before = await binCount();

      await appointment.Delete(ews.DeleteMode.MoveToDeletedItems, ews.SendCancellationsMode.SendToNone);
      expect(await thatDay()).toEqual([]);
      expect(await binCount()).toBe(before + 1);
      const binned = await ews.Appointment.Bind(bob, new ews.ItemId(appointment.Id.UniqueId));
      expect((await errorOf(binned.Move(ews.WellKnownFolderName.Inbox))).code).toBe('ErrorMoveCopyFailed');
      expect((await errorOf(binned.Copy(ews.WellKnownFolderName.Calendar))).code).toBe('ErrorInvalidOperation');

      const restored = await binned.Move(ews.WellKnownFolderName.Calendar);
      expect(restored.Id.UniqueId).toBeTruthy();
      expect(await thatDay()).toEqual(['Restored review']);
      expect(await binCount()).toBe(before);
      const calendar = await ews.Folder.Bind(bob, ews.WellKnownFolderName.Calendar);
      const bound = await ews.Appointment.Bind(bob, new ews.ItemId(restored.Id.UniqueId));
      expect([bound.Subject, bound.Start.TotalMilliSeconds, bound.ParentFolderId.UniqueId]).toEqual([
        'Restored review',
        start,
        calendar.Id.UniqueId,
      ]);
      // Moving it to the folder it is in changes nothing.
      expect((await bound.Move(ews.WellKnownFolderName.Calendar)).Id.UniqueId).toBe(restored.Id.UniqueId);

      await bound.Delete(ews.DeleteMode.HardDelete, ews.SendCancellationsMode.SendToNone);
      expect(await thatDay()).toEqual([]);
    });

    it('lets the app account (ApplicationImpersonation) create in alice’s calendar', async () => {
      const d = deployment();
      const app = d.client('app');
      app.ImpersonatedUserId = new ews.ImpersonatedUserId(ews.ConnectingIdType.SmtpAddress, d.address('alice'));
      const appointment = new ews.Appointment(app);
      appointment.Subject = 'Booked by the app';
      appointment.Start = new ews.DateTime(Date.UTC(2031, 2, 21, 13, 0, 0));
      appointment.End = new ews.DateTime(Date.UTC(2031, 2, 21, 14, 0, 0));
      await appointment.Save(ews.SendInvitationsMode.SendToNone);

      const mine = (await findInMarch(d.client('alice'))).find((a) => a.Subject === 'Booked by the app');
      expect(mine?.Start.TotalMilliSeconds).toBe(Date.UTC(2031, 2, 21, 13, 0, 0));
      // Nothing landed in the app account's own calendar.
      expect((await findInMarch(d.client('app'))).map((a) => a.Subject)).toEqual([]);
      // The id is bound to alice's mailbox: bob cannot read it.
      expect((await errorOf(ews.Appointment.Bind(d.client('bob'), appointment.Id))).code).toBe('ErrorItemNotFound');
    });

    it('refuses bob, who lacks the role, by impersonation and by folder', async () => {
      const d = deployment();
      const ALICE = d.address('alice');
      const impersonating = d.client('bob');
      impersonating.ImpersonatedUserId = new ews.ImpersonatedUserId(ews.ConnectingIdType.SmtpAddress, ALICE);
      const viaImpersonation = new ews.Appointment(impersonating);
      viaImpersonation.Subject = 'Not allowed (impersonation)';
      viaImpersonation.Start = new ews.DateTime(Date.UTC(2031, 2, 22, 13, 0, 0));
      viaImpersonation.End = new ews.DateTime(Date.UTC(2031, 2, 22, 14, 0, 0));
      expect((await errorOf(viaImpersonation.Save(ews.SendInvitationsMode.SendToNone))).code).toBe('ErrorImpersonateUserDenied');

      const viaFolder = new ews.Appointment(d.client('bob'));
      viaFolder.Subject = 'Not allowed (folder)';
      viaFolder.Start = new ews.DateTime(Date.UTC(2031, 2, 22, 13, 0, 0));
      viaFolder.End = new ews.DateTime(Date.UTC(2031, 2, 22, 14, 0, 0));
      const denied = await errorOf(
        viaFolder.Save(new ews.FolderId(ews.WellKnownFolderName.Calendar, new ews.Mailbox(ALICE)), ews.SendInvitationsMode.SendToNone),
      );
      expect(denied.code).toBe('ErrorAccessDenied');

      expect((await findInMarch(d.client('alice'))).map((a) => a.Subject).filter((s) => s.startsWith('Not allowed'))).toEqual([]);
    });

    it('leaves the attendee’s calendar alone when the organizer sends no invitations', async () => {
      const d = deployment();
      const meeting = await createMeeting(d.client('alice'), 'Not announced', [d.address('bob')], ews.SendInvitationsMode.SendToNone);
      expect((await findOnMeetingDay(d.client('alice'))).map((a) => a.Subject)).toEqual(['Not announced']);
      expect(await findOnMeetingDay(d.client('bob'))).toEqual([]);
      await meeting.Delete(ews.DeleteMode.HardDelete, ews.SendCancellationsMode.SendToNone);
      expect(await findOnMeetingDay(d.client('bob'))).toEqual([]);
    });

    it('places a meeting on the attendee’s calendar tentatively, moves it with the organizer’s update, and cancels it with the deletion', async () => {
      const d = deployment();
      const alice = d.client('alice');
      const bob = d.client('bob');
      const outsider = 'someone@elsewhere.example';
      const meeting = await createMeeting(
        alice,
        'Roadmap review',
        [d.address('bob'), outsider],
        ews.SendInvitationsMode.SendToAllAndSaveCopy,
      );

      const invited = await bobsCopy(bob, (a) => a.Subject === 'Roadmap review');
      expect(invited.Organizer.Address).toBe(d.address('alice'));
      expect(ews.MeetingResponseType[invited.MyResponseType]).toBe('NoResponseReceived');
      expect(ews.LegacyFreeBusyStatus[invited.LegacyFreeBusyStatus]).toBe('Tentative');
      expect([invited.IsMeeting, invited.IsCancelled, invited.Location]).toEqual([true, false, 'Room 7']);
      expect(invited.Start.TotalMilliSeconds).toBe(MEETING_START);
      // The external attendee stays on the list (nothing is delivered to it).
      expect(Array.from({ length: invited.RequiredAttendees.Count }, (_, i) => invited.RequiredAttendees._getItem(i).Address)).toEqual([
        d.address('bob'),
        outsider,
      ]);
      // Bob's copy is his own item (an id of his mailbox), linked to alice's by the meeting UID.
      expect(invited.Id.UniqueId).not.toBe(meeting.Id.UniqueId);
      const organizers = await ews.Appointment.Bind(alice, meeting.Id);
      expect(invited.ICalUid).toBe(organizers.ICalUid);
      expect(ews.MeetingResponseType[organizers.MyResponseType]).toBe('Organizer');

      organizers.Start = new ews.DateTime(MEETING_START + HOUR);
      organizers.End = new ews.DateTime(MEETING_START + 2 * HOUR);
      await organizers.Update(ews.ConflictResolutionMode.AlwaysOverwrite, ews.SendInvitationsOrCancellationsMode.SendToAllAndSaveCopy);
      const moved = await bobsCopy(bob, (a) => a.Start.TotalMilliSeconds === MEETING_START + HOUR);
      expect(moved.Id.UniqueId).toBe(invited.Id.UniqueId);
      expect([moved.End.TotalMilliSeconds, ews.LegacyFreeBusyStatus[moved.LegacyFreeBusyStatus]]).toEqual([
        MEETING_START + 2 * HOUR,
        'Tentative',
      ]);

      await organizers.Delete(ews.DeleteMode.HardDelete, ews.SendCancellationsMode.SendToAllAndSaveCopy);
      expect(await findOnMeetingDay(alice)).toEqual([]);
      const cancelled = await bobsCopy(bob, (a) => a.IsCancelled);
      expect([cancelled.Subject, ews.LegacyFreeBusyStatus[cancelled.LegacyFreeBusyStatus]]).toEqual(['Canceled: Roadmap review', 'Free']);

      // The copy is bob's to remove.
      await (await ews.Appointment.Bind(bob, cancelled.Id)).Delete(ews.DeleteMode.HardDelete, ews.SendCancellationsMode.SendToNone);
      expect(await findOnMeetingDay(bob)).toEqual([]);
    });

    it('lets the attendee accept a meeting (Busy, seen by the organizer) and decline another (to Deleted Items)', async () => {
      const d = deployment();
      const alice = d.client('alice');
      const bob = d.client('bob');
      const budget = await createMeeting(
        alice,
        'Budget check',
        [d.address('bob')],
        ews.SendInvitationsMode.SendToAllAndSaveCopy,
        ANSWER_DAY_START,
      );
      const pitch = await createMeeting(
        alice,
        'Vendor pitch',
        [d.address('bob')],
        ews.SendInvitationsMode.SendToAllAndSaveCopy,
        ANSWER_DAY_START + 2 * HOUR,
      );

      const toAccept = await bobsInvitation(bob, 'Budget check');
      expect(ews.MeetingResponseType[toAccept.MyResponseType]).toBe('NoResponseReceived');
      await toAccept.Accept(true);
      const accepted = await ews.Appointment.Bind(bob, toAccept.Id);
      expect([ews.MeetingResponseType[accepted.MyResponseType], ews.LegacyFreeBusyStatus[accepted.LegacyFreeBusyStatus]]).toEqual([
        'Accept',
        'Busy',
      ]);
      expect(await answerSeenByOrganizer(alice, budget, 'Accept')).toBe('Accept');
      // Alice's own item stays hers: organizer, busy; she cannot answer it.
      const organizers = await ews.Appointment.Bind(alice, budget.Id);
      expect([ews.MeetingResponseType[organizers.MyResponseType], ews.LegacyFreeBusyStatus[organizers.LegacyFreeBusyStatus]]).toEqual([
        'Organizer',
        'Busy',
      ]);
      expect((await errorOf(organizers.Accept(true))).code).toBe('ErrorInvalidOperation');

      const toDecline = await bobsInvitation(bob, 'Vendor pitch');
      await toDecline.Decline(true);
      expect((await findOnAnswerDay(bob)).map((a) => a.Subject)).toEqual(['Budget check']);
      const binned = (await bob.FindItems(ews.WellKnownFolderName.DeletedItems, new ews.ItemView(100))).Items.filter(
        (i) => i.Id.UniqueId === toDecline.Id.UniqueId,
      );
      expect(binned.map((i) => i.Subject)).toEqual(['Vendor pitch']);
      expect(ews.MeetingResponseType[(await ews.Appointment.Bind(bob, toDecline.Id)).MyResponseType]).toBe('Decline');
      expect(await answerSeenByOrganizer(alice, pitch, 'Decline')).toBe('Decline');

      // Leave the day empty (and bob's Deleted Items as they were).
      for (const meeting of [budget, pitch]) await meeting.Delete(ews.DeleteMode.HardDelete, ews.SendCancellationsMode.SendToNone);
      for (const copy of [accepted.Id, toDecline.Id])
        await (await ews.Appointment.Bind(bob, copy)).Delete(ews.DeleteMode.HardDelete, ews.SendCancellationsMode.SendToNone);
      expect(await findOnAnswerDay(alice)).toEqual([]);
      expect(await findOnAnswerDay(bob)).toEqual([]);
    });
  });
}
