// GetUserAvailability with a real EWS client, against every deployment (see ews-deployment.ts):
// several mailboxes, merged free/busy, detailed events for the caller's own calendar only, each
// mailbox's working hours, meeting suggestions, and an unknown mailbox failing alone. Everything
// happens on 6 May 2031.
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
  return service.GetUserAvailability(
    attendees.map((a) => new ews.AttendeeInfo(a)),
    window,
    ews.AvailabilityData.FreeBusy,
    options,
  );
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
      expect(
        a.CalendarEvents.map((e) => [
          e.StartTime.TotalMilliSeconds,
          e.EndTime.TotalMilliSeconds,
          ews.LegacyFreeBusyStatus[e.FreeBusyStatus],
        ]),
      ).toEqual([
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
      expect(b.CalendarEvents.map((e) => [e.StartTime.TotalMilliSeconds, ews.LegacyFreeBusyStatus[e.FreeBusyStatus]])).toEqual([
        [DAY_START + 10 * HOUR, 'OOF'],
      ]);
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

    it('suggests meeting times around what alice and bob booked, with one conflict entry per attendee', async () => {
      const d = deployment();
      const suggest = async (configure: (options: ews.AvailabilityOptions) => void) => {
        const options = new ews.AvailabilityOptions();
        options.MeetingDuration = 60;
        options.DetailedSuggestionsWindow = new ews.TimeWindow(new ews.DateTime(DAY_START), new ews.DateTime(DAY_START + DAY));
        configure(options);
        const attendees = [
          new ews.AttendeeInfo(d.address('alice'), ews.MeetingAttendeeType.Organizer, false),
          new ews.AttendeeInfo(d.address('bob')),
        ];
        const window = new ews.TimeWindow(new ews.DateTime(DAY_START), new ews.DateTime(DAY_START + DAY));
        const results = await d
          .client('alice')
          .GetUserAvailability(attendees, window, ews.AvailabilityData.FreeBusyAndSuggestions, options);
        expect(results.AttendeesAvailability.Responses.map((r) => ews.ServiceError[r.ErrorCode])).toEqual(['NoError', 'NoError']);
        expect(ews.ServiceError[results.SuggestionsResponse.ErrorCode]).toBe('NoError');
        return results.Suggestions;
      };
      const hourOf = (time: ews.DateTime) => (time.TotalMilliSeconds - DAY_START) / HOUR;

      // Defaults otherwise (GoodThreshold 25, at least Fair): with two attendees any conflict is 50 %, Poor.
      const [day] = await suggest((o) => (o.MaximumSuggestionsPerDay = 4));
      expect(day.Date.TotalMilliSeconds).toBe(DAY_START);
      expect(ews.SuggestionQuality[day.Quality]).toBe('Excellent');
      expect(day.TimeSuggestions.map((s) => [hourOf(s.MeetingTime), s.IsWorkTime, ews.SuggestionQuality[s.Quality]])).toEqual([
        [8, true, 'Excellent'],
        [13, true, 'Excellent'],
        [13.5, true, 'Excellent'],
        [14, true, 'Excellent'],
      ]);

      // Every work-hour start (08:00–16:00 for a one-hour meeting), conflicts as booked.
      const [all] = await suggest((o) => {
        o.MaximumSuggestionsPerDay = 48;
        o.MinimumSuggestionQuality = ews.SuggestionQuality.Poor;
      });
      const byHour = new Map(all.TimeSuggestions.map((s) => [hourOf(s.MeetingTime), s]));
      expect([...byHour.keys()]).toEqual([8, 8.5, 9, 9.5, 10, 10.5, 11, 11.5, 12, 12.5, 13, 13.5, 14, 14.5, 15, 15.5, 16]);
      const conflictsAt = (hour: number) =>
        byHour.get(hour)?.Conflicts.map((c) => [ews.ConflictType[c.ConflictType], ews.LegacyFreeBusyStatus[c.FreeBusyStatus]]);
      expect(conflictsAt(9)).toEqual([
        ['IndividualAttendeeConflict', 'Busy'],
        ['IndividualAttendeeConflict', 'Free'],
      ]);
      expect(conflictsAt(10.5)).toEqual([
        ['IndividualAttendeeConflict', 'Free'],
        ['IndividualAttendeeConflict', 'OOF'],
      ]);
      expect(conflictsAt(12)).toEqual([
        ['IndividualAttendeeConflict', 'Tentative'],
        ['IndividualAttendeeConflict', 'Free'],
      ]);
      expect(conflictsAt(15)).toEqual([
        ['IndividualAttendeeConflict', 'Free'],
        ['IndividualAttendeeConflict', 'Free'],
      ]);
      expect([9, 10.5, 12, 15].map((h) => ews.SuggestionQuality[byHour.get(h)?.Quality ?? ews.SuggestionQuality.Excellent])).toEqual([
        'Poor',
        'Poor',
        'Poor',
        'Excellent',
      ]);
    });

    it('refuses a window longer than 42 days', async () => {
      const d = deployment();
      const results = await request(d.client('alice'), [d.address('alice')], 43);
      expect(ews.ServiceError[results.AttendeesAvailability.Responses[0].ErrorCode]).toBe('ErrorTimeIntervalTooBig');
    });
  });
}
