// A real EWS client (ews-javascript-api) drives calendar items and availability through the
// distributed deployment: the four services as separate processes over their own Kafka broker and a
// fresh PostgreSQL database, users created with the admin CLI. The gateway reaches calendar-sync by
// request/reply over Kafka. The same flows run against the embedded app in ews-calendar and
// ews-availability; this is the "in CI, against the separate processes".
import * as ews from 'ews-javascript-api';
import { KafkaDeployment, startKafkaDeployment } from './kafka-deployment';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
// Monday 3 March 2031, 10:00 UTC (the client runs in UTC here).
const SERIES_START = Date.UTC(2031, 2, 3, 10, 0, 0);
// Tuesday 6 May 2031, 00:00 UTC: the availability tests' day.
const AVAILABILITY_DAY = Date.UTC(2031, 4, 6);

async function errorOf(work: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await work;
  } catch (error) {
    // Per-item errors arrive as ServiceResponseException (ErrorCode), faults as SoapFaultDetails (ResponseCode).
    const e = error as { ErrorCode?: number; ResponseCode?: number; message?: string; Message?: string };
    const code = e.ResponseCode ? e.ResponseCode : e.ErrorCode;
    return { code: code === undefined ? undefined : ews.ServiceError[code], message: String(e.message ?? e.Message) };
  }
  throw new Error('expected the call to fail');
}

describe('EWS calendar and availability with ews-javascript-api (four processes over Kafka)', () => {
  let deployment: KafkaDeployment;
  let ALICE: string;
  let BOB: string;
  let APP: string;

  beforeAll(async () => {
    deployment = await startKafkaDeployment({ prefix: 'e2e-ews-cal', users: ['alice', 'bob', 'app'], impersonators: ['app'] });
    [ALICE, BOB, APP] = ['alice', 'bob', 'app'].map((user) => deployment.address(user));
  }, 240_000);

  afterAll(async () => {
    await deployment?.stop();
  }, 120_000);

  const as = (address: string) => deployment.as(address);

  async function createWeeklySeries(service: ews.ExchangeService, subject: string): Promise<string> {
    const appointment = new ews.Appointment(service);
    appointment.Subject = subject;
    appointment.Body = new ews.MessageBody(ews.BodyType.Text, 'Weekly sync, all welcome');
    appointment.Location = 'Room 1';
    appointment.Start = new ews.DateTime(SERIES_START);
    appointment.End = new ews.DateTime(SERIES_START + HOUR);
    appointment.RequiredAttendees.Add(BOB);
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

  describe('calendar items', () => {
    it('creates a weekly series, finds it expanded by a CalendarView, and binds to an occurrence by its own id', async () => {
      const alice = as(ALICE);
      const seriesId = await createWeeklySeries(alice, 'Team sync');
      const occurrences = (await findInMarch(alice)).filter((a) => a.Subject === 'Team sync');
      expect(occurrences.map((a) => a.Start.TotalMilliSeconds)).toEqual([0, 2, 7, 9, 14, 16].map((d) => SERIES_START + d * DAY));
      expect(occurrences.every((a) => ews.AppointmentType[a.AppointmentType] === 'Occurrence')).toBe(true);
      expect(new Set(occurrences.map((a) => a.Id.UniqueId)).size).toBe(6);

      const third = await ews.Appointment.Bind(alice, new ews.ItemId(occurrences[2].Id.UniqueId));
      expect([third.Subject, third.Location]).toEqual(['Team sync', 'Room 1']);
      expect([third.Start.TotalMilliSeconds, third.End.TotalMilliSeconds]).toEqual([SERIES_START + 7 * DAY, SERIES_START + 7 * DAY + HOUR]);

      const master = await ews.Appointment.Bind(alice, new ews.ItemId(seriesId));
      expect(ews.AppointmentType[master.AppointmentType]).toBe('RecurringMaster');
      expect(master.Body.Text).toBe('Weekly sync, all welcome');
      expect(master.RequiredAttendees._getItem(0).Address).toBe(BOB);
      const weekly = master.Recurrence as InstanceType<typeof ews.Recurrence.WeeklyPattern>;
      expect(weekly).toBeInstanceOf(ews.Recurrence.WeeklyPattern);
      expect(weekly.NumberOfOccurrences).toBe(6);

      const byIndex = await ews.Appointment.BindToOccurrence(alice, new ews.ItemId(seriesId), 4);
      expect([byIndex.Start.TotalMilliSeconds, byIndex.End.TotalMilliSeconds]).toEqual([SERIES_START + 9 * DAY, SERIES_START + 9 * DAY + HOUR]);
    });

    it('updates subject and location, and refuses a stale change key under NeverOverwrite', async () => {
      const alice = as(ALICE);
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
      const conflict = await errorOf(stale.Update(ews.ConflictResolutionMode.NeverOverwrite, ews.SendInvitationsOrCancellationsMode.SendToNone));
      expect(conflict.code).toBe('ErrorIrresolvableConflict');

      const read = await ews.Appointment.Bind(alice, appointment.Id);
      expect([read.Subject, read.Location]).toEqual(['Dentist (moved room)', 'Clinic B']);
    });

    it('deletes one occurrence, then the whole series', async () => {
      const alice = as(ALICE);
      const seriesId = await createWeeklySeries(alice, 'Deletable sync');
      const occurrence = await ews.Appointment.BindToOccurrence(alice, new ews.ItemId(seriesId), 2);
      await occurrence.Delete(ews.DeleteMode.HardDelete, ews.SendCancellationsMode.SendToNone);
      const left = (await findInMarch(alice)).filter((a) => a.Subject === 'Deletable sync');
      expect(left.map((a) => a.Start.TotalMilliSeconds)).toEqual([0, 7, 9, 14, 16].map((d) => SERIES_START + d * DAY));

      const master = await ews.Appointment.Bind(alice, new ews.ItemId(seriesId));
      await master.Delete(ews.DeleteMode.MoveToDeletedItems, ews.SendCancellationsMode.SendToNone);
      expect((await findInMarch(alice)).filter((a) => a.Subject === 'Deletable sync')).toEqual([]);
      expect((await errorOf(ews.Appointment.Bind(alice, new ews.ItemId(seriesId)))).code).toBe('ErrorItemNotFound');
    });

    it('lets the app account (granted ApplicationImpersonation by the CLI) create in alice’s calendar', async () => {
      const app = as(APP);
      app.ImpersonatedUserId = new ews.ImpersonatedUserId(ews.ConnectingIdType.SmtpAddress, ALICE);
      const appointment = new ews.Appointment(app);
      appointment.Subject = 'Booked by the app';
      appointment.Start = new ews.DateTime(Date.UTC(2031, 2, 21, 13, 0, 0));
      appointment.End = new ews.DateTime(Date.UTC(2031, 2, 21, 14, 0, 0));
      await appointment.Save(ews.SendInvitationsMode.SendToNone);

      const mine = (await findInMarch(as(ALICE))).find((a) => a.Subject === 'Booked by the app');
      expect(mine?.Start.TotalMilliSeconds).toBe(Date.UTC(2031, 2, 21, 13, 0, 0));
      // Nothing landed in the app account's own calendar.
      expect((await findInMarch(as(APP))).map((a) => a.Subject)).toEqual([]);
      // The id is bound to alice's mailbox: bob cannot read it.
      expect((await errorOf(ews.Appointment.Bind(as(BOB), appointment.Id))).code).toBe('ErrorItemNotFound');
    });

    it('refuses bob, who lacks the role, by impersonation and by folder', async () => {
      const impersonating = as(BOB);
      impersonating.ImpersonatedUserId = new ews.ImpersonatedUserId(ews.ConnectingIdType.SmtpAddress, ALICE);
      const viaImpersonation = new ews.Appointment(impersonating);
      viaImpersonation.Subject = 'Not allowed (impersonation)';
      viaImpersonation.Start = new ews.DateTime(Date.UTC(2031, 2, 22, 13, 0, 0));
      viaImpersonation.End = new ews.DateTime(Date.UTC(2031, 2, 22, 14, 0, 0));
      expect((await errorOf(viaImpersonation.Save(ews.SendInvitationsMode.SendToNone))).code).toBe('ErrorImpersonateUserDenied');

      const viaFolder = new ews.Appointment(as(BOB));
      viaFolder.Subject = 'Not allowed (folder)';
      viaFolder.Start = new ews.DateTime(Date.UTC(2031, 2, 22, 13, 0, 0));
      viaFolder.End = new ews.DateTime(Date.UTC(2031, 2, 22, 14, 0, 0));
      const denied = await errorOf(viaFolder.Save(new ews.FolderId(ews.WellKnownFolderName.Calendar, new ews.Mailbox(ALICE)), ews.SendInvitationsMode.SendToNone));
      expect(denied.code).toBe('ErrorAccessDenied');

      expect((await findInMarch(as(ALICE))).map((a) => a.Subject).filter((s) => s.startsWith('Not allowed'))).toEqual([]);
    });
  });

  describe('GetUserAvailability', () => {
    beforeAll(async () => {
      const book = async (user: string, subject: string, fromHour: number, toHour: number, status: ews.LegacyFreeBusyStatus) => {
        const appointment = new ews.Appointment(as(user));
        appointment.Subject = subject;
        appointment.Location = 'HQ';
        appointment.Start = new ews.DateTime(AVAILABILITY_DAY + fromHour * HOUR);
        appointment.End = new ews.DateTime(AVAILABILITY_DAY + toHour * HOUR);
        appointment.LegacyFreeBusyStatus = status;
        await appointment.Save(ews.SendInvitationsMode.SendToNone);
      };
      await book(ALICE, 'Planning', 9, 10, ews.LegacyFreeBusyStatus.Busy);
      await book(ALICE, 'Maybe lunch', 12, 13, ews.LegacyFreeBusyStatus.Tentative);
      await book(BOB, 'Bob private thing', 10, 12, ews.LegacyFreeBusyStatus.OOF);
    });

    function request(service: ews.ExchangeService, attendees: string[]) {
      const options = new ews.AvailabilityOptions();
      options.MergedFreeBusyInterval = 60;
      options.RequestedFreeBusyView = ews.FreeBusyViewType.DetailedMerged;
      const window = new ews.TimeWindow(new ews.DateTime(AVAILABILITY_DAY), new ews.DateTime(AVAILABILITY_DAY + DAY));
      return service.GetUserAvailability(attendees.map((a) => new ews.AttendeeInfo(a)), window, ews.AvailabilityData.FreeBusy, options);
    }

    it('answers merged free/busy for alice and bob, details only for the caller’s own calendar, and ErrorMailRecipientNotFound for an unknown mailbox', async () => {
      const results = await request(as(ALICE), [ALICE, BOB, `nobody-${deployment.run}@parley.test`]);
      const [a, b, unknown] = results.AttendeesAvailability.Responses;

      expect(ews.ServiceError[a.ErrorCode]).toBe('NoError');
      expect(a.MergedFreeBusyStatus.join('')).toBe('000000000200100000000000');
      expect(a.CalendarEvents.map((e) => [e.StartTime.TotalMilliSeconds, e.EndTime.TotalMilliSeconds, ews.LegacyFreeBusyStatus[e.FreeBusyStatus]])).toEqual([
        [AVAILABILITY_DAY + 9 * HOUR, AVAILABILITY_DAY + 10 * HOUR, 'Busy'],
        [AVAILABILITY_DAY + 12 * HOUR, AVAILABILITY_DAY + 13 * HOUR, 'Tentative'],
      ]);
      expect(a.CalendarEvents.map((e) => [e.Details?.Subject, e.Details?.Location])).toEqual([
        ['Planning', 'HQ'],
        ['Maybe lunch', 'HQ'],
      ]);

      expect(ews.ServiceError[b.ErrorCode]).toBe('NoError');
      expect(b.MergedFreeBusyStatus.join('')).toBe('000000000033000000000000');
      expect(b.CalendarEvents.map((e) => [e.StartTime.TotalMilliSeconds, ews.LegacyFreeBusyStatus[e.FreeBusyStatus]])).toEqual([[AVAILABILITY_DAY + 10 * HOUR, 'OOF']]);
      // Someone else's calendar: times and status only.
      expect(b.CalendarEvents[0].Details ?? null).toBeNull();

      expect(ews.ServiceError[unknown.ErrorCode]).toBe('ErrorMailRecipientNotFound');
    });

    it('lets bob read alice’s free/busy, without her details', async () => {
      const [a] = (await request(as(BOB), [ALICE])).AttendeesAvailability.Responses;
      expect(ews.ServiceError[a.ErrorCode]).toBe('NoError');
      expect(a.MergedFreeBusyStatus.join('')).toBe('000000000200100000000000');
      expect(a.CalendarEvents.map((e) => e.Details ?? null)).toEqual([null, null]);
    });
  });
});
