// GetUserAvailability with a real EWS client (ews-javascript-api) against the embedded app:
// several mailboxes, merged free/busy, detailed events for the caller's own calendar, and an
// unknown mailbox failing alone.
import type { RunningProcess } from '@parley/testing';
import * as ews from 'ews-javascript-api';
import { ewsService, startEmbeddedParley, useNodeXhr } from './ews-embedded';

const ALICE = 'alice@parley.test';
const BOB = 'bob@parley.test';
const DAY_START = Date.UTC(2031, 4, 6); // Tuesday 6 May 2031, 00:00 UTC (the client runs in UTC)

describe('EWS availability with ews-javascript-api (embedded mode)', () => {
  let app: RunningProcess;
  let base: string;

  beforeAll(async () => {
    useNodeXhr();
    ({ proc: app, base } = await startEmbeddedParley());
    const book = async (user: string, password: string, subject: string, fromHour: number, toHour: number, status: ews.LegacyFreeBusyStatus) => {
      const appointment = new ews.Appointment(ewsService(base, user, password));
      appointment.Subject = subject;
      appointment.Location = 'HQ';
      appointment.Start = new ews.DateTime(DAY_START + fromHour * 3_600_000);
      appointment.End = new ews.DateTime(DAY_START + toHour * 3_600_000);
      appointment.LegacyFreeBusyStatus = status;
      await appointment.Save(ews.SendInvitationsMode.SendToNone);
    };
    await book(ALICE, 'alice-demo-pw', 'Planning', 9, 10, ews.LegacyFreeBusyStatus.Busy);
    await book(ALICE, 'alice-demo-pw', 'Maybe lunch', 12, 13, ews.LegacyFreeBusyStatus.Tentative);
    await book(BOB, 'bob-demo-pw', 'Bob private thing', 10, 12, ews.LegacyFreeBusyStatus.OOF);
  });

  afterAll(async () => {
    await app?.stop();
  });

  function request(service: ews.ExchangeService, attendees: string[], days = 1) {
    const options = new ews.AvailabilityOptions();
    options.MergedFreeBusyInterval = 60;
    options.RequestedFreeBusyView = ews.FreeBusyViewType.DetailedMerged;
    const window = new ews.TimeWindow(new ews.DateTime(DAY_START), new ews.DateTime(DAY_START + days * 86_400_000));
    return service.GetUserAvailability(attendees.map((a) => new ews.AttendeeInfo(a)), window, ews.AvailabilityData.FreeBusy, options);
  }

  it('answers merged free/busy and events for alice and bob, and ErrorMailRecipientNotFound for an unknown mailbox', async () => {
    const results = await request(ewsService(base, ALICE, 'alice-demo-pw'), [ALICE, BOB, 'unknown@parley.test']);
    const [a, b, unknown] = results.AttendeesAvailability.Responses;

    expect(ews.ServiceError[a.ErrorCode]).toBe('NoError');
    expect(a.MergedFreeBusyStatus.join('')).toBe('000000000200100000000000');
    expect(a.CalendarEvents.map((e) => [e.StartTime.TotalMilliSeconds, e.EndTime.TotalMilliSeconds, ews.LegacyFreeBusyStatus[e.FreeBusyStatus]])).toEqual([
      [DAY_START + 9 * 3_600_000, DAY_START + 10 * 3_600_000, 'Busy'],
      [DAY_START + 12 * 3_600_000, DAY_START + 13 * 3_600_000, 'Tentative'],
    ]);
    // Alice's own calendar: details granted.
    expect(a.CalendarEvents.map((e) => e.Details?.Subject)).toEqual(['Planning', 'Maybe lunch']);
    expect(a.CalendarEvents[0].Details?.Location).toBe('HQ');

    expect(ews.ServiceError[b.ErrorCode]).toBe('NoError');
    expect(b.MergedFreeBusyStatus.join('')).toBe('000000000033000000000000');
    expect(b.CalendarEvents).toHaveLength(1);
    expect(ews.LegacyFreeBusyStatus[b.CalendarEvents[0].FreeBusyStatus]).toBe('OOF');
    // Someone else's calendar: times and status only.
    expect(b.CalendarEvents[0].Details ?? null).toBeNull();

    expect(ews.ServiceError[unknown.ErrorCode]).toBe('ErrorMailRecipientNotFound');
  });

  it('lets bob read alice’s free/busy without impersonation', async () => {
    const results = await request(ewsService(base, BOB, 'bob-demo-pw'), [ALICE]);
    const [a] = results.AttendeesAvailability.Responses;
    expect(ews.ServiceError[a.ErrorCode]).toBe('NoError');
    expect(a.MergedFreeBusyStatus.join('')).toBe('000000000200100000000000');
  });

  it('refuses a window longer than 42 days', async () => {
    const results = await request(ewsService(base, ALICE, 'alice-demo-pw'), [ALICE], 43);
    expect(ews.ServiceError[results.AttendeesAvailability.Responses[0].ErrorCode]).toBe('ErrorTimeIntervalTooBig');
  });
});
