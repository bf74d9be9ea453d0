// A real EWS client (ews-javascript-api) against the embedded app: calendar items as a user of
// the client sees them — a weekly series created, found (expanded), bound by occurrence id,
// updated with a stale change key, deleted occurrence by occurrence; impersonation and access rules.
import type { RunningProcess } from '@parley/testing';
import * as ews from 'ews-javascript-api';
import { ewsService, startEmbeddedParley, useNodeXhr } from './ews-embedded';

const ALICE = 'alice@parley.test';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
// Monday 3 March 2031, 10:00 UTC (the client runs in UTC here).
const SERIES_START = Date.UTC(2031, 2, 3, 10, 0, 0);

async function errorOf(work: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await work;
  } catch (error) {
    const e = error as { ErrorCode?: number; ResponseCode?: number; message?: string; Message?: string };
    const code = e.ResponseCode ? e.ResponseCode : e.ErrorCode;
    return { code: code === undefined ? undefined : ews.ServiceError[code], message: String(e.message ?? e.Message) };
  }
  throw new Error('expected the call to fail');
}

describe('EWS calendar with ews-javascript-api (embedded mode)', () => {
  let app: RunningProcess;
  let base: string;
  let alice: ews.ExchangeService;

  beforeAll(async () => {
    useNodeXhr();
    ({ proc: app, base } = await startEmbeddedParley());
    alice = ewsService(base, ALICE, 'alice-demo-pw');
  });

  afterAll(async () => {
    await app?.stop();
  });

  async function createWeeklySeries(service: ews.ExchangeService, subject: string): Promise<string> {
    const appointment = new ews.Appointment(service);
    appointment.Subject = subject;
    appointment.Body = new ews.MessageBody(ews.BodyType.Text, 'Weekly sync, all welcome');
    appointment.Location = 'Room 1';
    appointment.Start = new ews.DateTime(SERIES_START);
    appointment.End = new ews.DateTime(SERIES_START + HOUR);
    appointment.RequiredAttendees.Add('bob@parley.test');
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
    const found = await service.FindAppointments(ews.WellKnownFolderName.Calendar, view);
    return found.Items;
  }

  it('creates a weekly series, finds it expanded, and binds to an occurrence by its own id', async () => {
    const seriesId = await createWeeklySeries(alice, 'Team sync');
    const occurrences = (await findInMarch(alice)).filter((a) => a.Subject === 'Team sync');
    expect(occurrences.map((a) => a.Start.TotalMilliSeconds)).toEqual([0, 2, 7, 9, 14, 16].map((d) => SERIES_START + d * DAY));
    expect(occurrences.every((a) => ews.AppointmentType[a.AppointmentType] === 'Occurrence')).toBe(true);
    expect(new Set(occurrences.map((a) => a.Id.UniqueId)).size).toBe(6);

    const third = await ews.Appointment.Bind(alice, new ews.ItemId(occurrences[2].Id.UniqueId));
    expect(third.Subject).toBe('Team sync');
    expect(third.Start.TotalMilliSeconds).toBe(SERIES_START + 7 * DAY);
    expect(third.End.TotalMilliSeconds).toBe(SERIES_START + 7 * DAY + HOUR);
    expect(third.Location).toBe('Room 1');

    const master = await ews.Appointment.Bind(alice, new ews.ItemId(seriesId));
    expect(ews.AppointmentType[master.AppointmentType]).toBe('RecurringMaster');
    expect(master.Body.Text).toBe('Weekly sync, all welcome');
    expect(master.RequiredAttendees.Count).toBe(1);
    expect(master.RequiredAttendees._getItem(0).Address).toBe('bob@parley.test');
    const weekly = master.Recurrence as InstanceType<typeof ews.Recurrence.WeeklyPattern>;
    expect(weekly).toBeInstanceOf(ews.Recurrence.WeeklyPattern);
    expect(weekly.NumberOfOccurrences).toBe(6);

    const byIndex = await ews.Appointment.BindToOccurrence(alice, new ews.ItemId(seriesId), 4);
    expect(byIndex.Start.TotalMilliSeconds).toBe(SERIES_START + 9 * DAY);
  });

  it('updates subject and location, and refuses a stale change key under NeverOverwrite', async () => {
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
    expect(read.Subject).toBe('Dentist (moved room)');
    expect(read.Location).toBe('Clinic B');
  });

  it('deletes one occurrence, then the whole series', async () => {
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

  it('lets app@parley.test create in alice’s calendar by impersonation', async () => {
    const app = ewsService(base, 'app@parley.test', 'app-demo-pw');
    app.ImpersonatedUserId = new ews.ImpersonatedUserId(ews.ConnectingIdType.SmtpAddress, ALICE);
    const appointment = new ews.Appointment(app);
    appointment.Subject = 'Booked by the app';
    appointment.Start = new ews.DateTime(Date.UTC(2031, 2, 21, 13, 0, 0));
    appointment.End = new ews.DateTime(Date.UTC(2031, 2, 21, 14, 0, 0));
    await appointment.Save(ews.SendInvitationsMode.SendToNone);
    const mine = (await findInMarch(alice)).find((a) => a.Subject === 'Booked by the app');
    expect(mine?.Start.TotalMilliSeconds).toBe(Date.UTC(2031, 2, 21, 13, 0, 0));
    // The id is bound to alice's mailbox: bob cannot read it.
    const bob = ewsService(base, 'bob@parley.test', 'bob-demo-pw');
    expect((await errorOf(ews.Appointment.Bind(bob, appointment.Id))).code).toBe('ErrorItemNotFound');
  });

  it('refuses bob creating in alice’s calendar without impersonation', async () => {
    const bob = ewsService(base, 'bob@parley.test', 'bob-demo-pw');
    const appointment = new ews.Appointment(bob);
    appointment.Subject = 'Not allowed';
    appointment.Start = new ews.DateTime(Date.UTC(2031, 2, 22, 13, 0, 0));
    appointment.End = new ews.DateTime(Date.UTC(2031, 2, 22, 14, 0, 0));
    const denied = await errorOf(appointment.Save(new ews.FolderId(ews.WellKnownFolderName.Calendar, new ews.Mailbox(ALICE)), ews.SendInvitationsMode.SendToNone));
    expect(denied.code).toBe('ErrorAccessDenied');
  });
});
