// GetUserAvailability with a real EWS client, against every deployment (see ews-deployment.ts):
// several mailboxes, merged free/busy, detailed events for the caller's own calendar only, each
// mailbox's working hours, and an unknown mailbox failing alone. Everything happens on 6 May 2031.
import * as ews from 'ews-javascript-api';
import { EwsDeployment, EwsUser } from './ews-deployment';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
// Tuesday 6 May 2031, 00:00 UTC (the client runs in UTC).
const DAY_START = Date.UTC(2031, 4, 6);

function request(service: ews.ExchangeService, attendees: string[], days = 1) {
  const options = new ews.AvailabilityOptions();
  options.MergedFreeBusyInterval = 60;
  options.RequestedFreeBusyView = ews.FreeBusyViewType.DetailedMerged;
  const window = new ews.TimeWindow(new ews.DateTime(DAY_START), new ews.DateTime(DAY_START + days * DAY));
  return service.GetUserAvailability(attendees.map((a) => new ews.AttendeeInfo(a)), window, ews.AvailabilityData.FreeBusy, options);
}

export function availabilityScenarios(deployment: () => EwsDeployment): void {
  describe('GetUserAvailability', () => {
    beforeAll(async () => {
      const book = async (user: EwsUser, subject: string, fromHour: number, toHour: number, status: ews.LegacyFreeBusyStatus) => {
        const appointment = new ews.Appointment(deployment().client(user));
        appointment.Subject = subject;
        appointment.Location = 'HQ';
        appointment.Start = new ews.DateTime(DAY_START + fromHour * HOUR);
        appointment.End = new ews.DateTime(DAY_START + toHour * HOUR);
        appointment.LegacyFreeBusyStatus = status;
        await appointment.Save(ews.SendInvitationsMode.SendToNone);
      };
      await book('alice', 'Planning', 9, 10, ews.LegacyFreeBusyStatus.Busy);
      await book('alice', 'Maybe lunch', 12, 13, ews.LegacyFreeBusyStatus.Tentative);
      await book('bob', 'Bob private thing', 10, 12, ews.LegacyFreeBusyStatus.OOF);
    });

    it('answers merged free/busy and events for alice and bob, details only for the caller’s own calendar, and ErrorMailRecipientNotFound for an unknown mailbox', async () => {
      const d = deployment();
      const results = await request(d.client('alice'), [d.address('alice'), d.address('bob'), d.address('nobody')]);
      const [a, b, unknown] = results.AttendeesAvailability.Responses;

      expect(ews.ServiceError[a.ErrorCode]).toBe('NoError');
      expect(a.MergedFreeBusyStatus.join('')).toBe('000000000200100000000000');
      expect(a.CalendarEvents.map((e) => [e.StartTime.TotalMilliSeconds, e.EndTime.TotalMilliSeconds, ews.LegacyFreeBusyStatus[e.FreeBusyStatus]])).toEqual([
        [DAY_START + 9 * HOUR, DAY_START + 10 * HOUR, 'Busy'],
        [DAY_START + 12 * HOUR, DAY_START + 13 * HOUR, 'Tentative'],
      ]);
      // Alice's own calendar: details granted.
      expect(a.CalendarEvents.map((e) => [e.Details?.Subject, e.Details?.Location])).toEqual([
        ['Planning', 'HQ'],
        ['Maybe lunch', 'HQ'],
      ]);

      expect(ews.ServiceError[b.ErrorCode]).toBe('NoError');
      expect(b.MergedFreeBusyStatus.join('')).toBe('000000000033000000000000');
      expect(b.CalendarEvents.map((e) => [e.StartTime.TotalMilliSeconds, ews.LegacyFreeBusyStatus[e.FreeBusyStatus]])).toEqual([[DAY_START + 10 * HOUR, 'OOF']]);
      // Someone else's calendar: times and status only.
      expect(b.CalendarEvents[0].Details ?? null).toBeNull();

      expect(ews.ServiceError[unknown.ErrorCode]).toBe('ErrorMailRecipientNotFound');
    });

    it('lets bob read alice’s free/busy without impersonation, without her details', async () => {
      const d = deployment();
      const [a] = (await request(d.client('bob'), [d.address('alice')])).AttendeesAvailability.Responses;
      expect(ews.ServiceError[a.ErrorCode]).toBe('NoError');
      expect(a.MergedFreeBusyStatus.join('')).toBe('000000000200100000000000');
      expect(a.CalendarEvents.map((e) => e.Details ?? null)).toEqual([null, null]);
    });

    it('gives each mailbox’s working hours: by default Monday–Friday 08:00–17:00 in UTC (PARLEY_DEFAULT_WORKING_HOURS_TIME_ZONE unset)', async () => {
      const d = deployment();
      const responses = (await request(d.client('bob'), [d.address('alice'), d.address('bob')])).AttendeesAvailability.Responses;
      expect(responses.map((r) => ews.ServiceError[r.ErrorCode])).toEqual(['NoError', 'NoError']);
      for (const { WorkingHours: hours } of responses) {
        expect(hours.DaysOfTheWeek.map((day) => ews.DayOfTheWeek[day])).toEqual(['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday']);
        expect([hours.StartTime.TotalMinutes, hours.EndTime.TotalMinutes]).toEqual([8 * 60, 17 * 60]);
        // The client keeps the t:TimeZone as a legacy (bias) zone and builds its TimeZoneInfo from it.
        expect(hours.LegacyTimeZone.ToTimeZoneInfo().BaseUtcOffset.TotalMinutes).toBe(0);
      }
    });

    it('refuses a window longer than 42 days', async () => {
      const d = deployment();
      const results = await request(d.client('alice'), [d.address('alice')], 43);
      expect(ews.ServiceError[results.AttendeesAvailability.Responses[0].ErrorCode]).toBe('ErrorTimeIntervalTooBig');
    });
  });
}
