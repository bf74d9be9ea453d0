import type { FreeBusyReply, WorkingHours } from '@parley/contracts';
import { utcToLocal } from '@parley/calendar-time';
import type { ActingMailbox } from '@parley/ews-gateway/auth';
import { CommandTimeoutError } from '@parley/messaging';
import { readSoapRequest, writeEwsXml } from '@parley/ews-gateway/soap';
import { serverTimeZone } from '../time-zones/time-zone-rules';
import type { CalendarClient } from '../calendar/calendar.client';
import type { EwsOperationContext } from '../ews-operation';
import { bodyXml, directoryUser, M, T } from '../../../test/ews-operation-fixtures';
import { GetUserAvailabilityHandler } from './get-user-availability.handler';
import { serializableTimeZoneElement } from './availability-response.writer';
import { serializableTimeZone } from './serializable-time-zone';

const alice = directoryUser('alice@parley.test', 'Alice');

// Microsoft's documented Pacific example: Bias 480, daylight -60 from the 2nd Sunday of March, standard from the 1st Sunday of November, at 02:00.
const PACIFIC =
  '<t:TimeZone><t:Bias>480</t:Bias><t:StandardTime><t:Bias>0</t:Bias><t:Time>02:00:00</t:Time><t:DayOrder>1</t:DayOrder><t:Month>11</t:Month><t:DayOfWeek>Sunday</t:DayOfWeek></t:StandardTime>' +
  '<t:DaylightTime><t:Bias>-60</t:Bias><t:Time>02:00:00</t:Time><t:DayOrder>2</t:DayOrder><t:Month>3</t:Month><t:DayOfWeek>Sunday</t:DayOfWeek></t:DaylightTime></t:TimeZone>';

function context(operation: string, header = ''): EwsOperationContext {
  const xml = `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:m="${M}" xmlns:t="${T}"><soap:Header>${header}</soap:Header><soap:Body>${operation}</soap:Body></soap:Envelope>`;
  const acting: ActingMailbox = { caller: alice, mailbox: alice, impersonating: false };
  return { request: readSoapRequest(xml), acting };
}

function availability(mailboxes: string[], window: [string, string], tz = PACIFIC, view = 'DetailedMerged'): string {
  const data = mailboxes
    .map(
      (a) =>
        `<t:MailboxData><t:Email><t:Address>${a}</t:Address></t:Email><t:AttendeeType>Required</t:AttendeeType><t:ExcludeConflicts>false</t:ExcludeConflicts></t:MailboxData>`,
    )
    .join('');
  return (
    `<m:GetUserAvailabilityRequest>${tz}<m:MailboxDataArray>${data}</m:MailboxDataArray>` +
    `<t:FreeBusyViewOptions><t:TimeWindow><t:StartTime>${window[0]}</t:StartTime><t:EndTime>${window[1]}</t:EndTime></t:TimeWindow><t:MergedFreeBusyIntervalInMinutes>60</t:MergedFreeBusyIntervalInMinutes><t:RequestedView>${view}</t:RequestedView></t:FreeBusyViewOptions></m:GetUserAvailabilityRequest>`
  );
}

describe('SerializableTimeZone', () => {
  const zone = serializableTimeZone(
    context(availability(['a@b.c'], ['2031-01-01T00:00:00', '2031-01-02T00:00:00'])).request.body.children[0],
  );
  const H = 3_600_000;

  it.each([
    ['winter (PST, UTC-8)', Date.UTC(2031, 0, 15, 12), -8],
    ['summer (PDT, UTC-7)', Date.UTC(2031, 6, 15, 12), -7],
    ['just before the spring change (9 March 2031, 09:59 UTC)', Date.UTC(2031, 2, 9, 9, 59), -8],
    ['at the spring change (10:00 UTC)', Date.UTC(2031, 2, 9, 10), -7],
    ['just before the autumn change (2 November 2031, 08:59 UTC)', Date.UTC(2031, 10, 2, 8, 59), -7],
    ['at the autumn change (09:00 UTC)', Date.UTC(2031, 10, 2, 9), -8],
  ])('gives the offset in %s', (_, utc, hours) => {
    expect(zone.toLocal(utc) - utc).toBe(hours * H);
    // (01:00–02:00 on the autumn day happens twice; toUtc gives the first, checked below.)
    if (utc !== Date.UTC(2031, 10, 2, 9)) expect(zone.toUtc(zone.toLocal(utc))).toBe(utc);
  });

  it('pushes a skipped wall time forward and takes the first of a repeated one', () => {
    expect(zone.toUtc(Date.UTC(2031, 2, 9, 2, 30))).toBe(Date.UTC(2031, 2, 9, 10, 30)); // 02:30 does not exist → 03:30 PDT
    expect(zone.toUtc(Date.UTC(2031, 10, 2, 1, 30))).toBe(Date.UTC(2031, 10, 2, 8, 30)); // 01:30 PDT, the first one
  });

  it('reads DayOrder 0 in a zone without daylight saving time (as Windows writes it), and refuses it for a real change', () => {
    const noDst = (dayOrder: string, month: string) =>
      `<t:TimeZone><t:Bias>-540</t:Bias><t:StandardTime><t:Bias>0</t:Bias><t:Time>00:00:00</t:Time><t:DayOrder>${dayOrder}</t:DayOrder><t:Month>${month}</t:Month><t:DayOfWeek>Sunday</t:DayOfWeek></t:StandardTime>` +
      `<t:DaylightTime><t:Bias>0</t:Bias><t:Time>00:00:00</t:Time><t:DayOrder>0</t:DayOrder><t:Month>${month}</t:Month><t:DayOfWeek>Sunday</t:DayOfWeek></t:DaylightTime></t:TimeZone>`;
    const read = (tz: string) =>
      serializableTimeZone(context(availability(['a@b.c'], ['2031-01-01T00:00:00', '2031-01-02T00:00:00'], tz)).request.body.children[0]);
    expect(read(noDst('0', '0')).toLocal(0)).toBe(9 * H);
    expect(() => read(noDst('0', '3').replace('<t:DaylightTime><t:Bias>0', '<t:DaylightTime><t:Bias>-60'))).toThrow(/DayOrder/);
  });

  it('handles a zone without daylight saving time and a southern-hemisphere zone', () => {
    const fixed = serializableTimeZone(
      context(
        availability(
          ['a@b.c'],
          ['2031-01-01T00:00:00', '2031-01-02T00:00:00'],
          PACIFIC.replace('<t:Month>11</t:Month>', '<t:Month>0</t:Month>').replace('<t:Month>3</t:Month>', '<t:Month>0</t:Month>'),
        ),
      ).request.body.children[0],
    );
    expect(fixed.toLocal(Date.UTC(2031, 6, 1)) - Date.UTC(2031, 6, 1)).toBe(-8 * H);
    // Sydney: Bias -600, daylight -60 from the 1st Sunday of October, standard from the 1st Sunday of April, 02:00/03:00.
    const sydney = serializableTimeZone(
      context(
        availability(
          ['a@b.c'],
          ['2031-01-01T00:00:00', '2031-01-02T00:00:00'],
          '<t:TimeZone><t:Bias>-600</t:Bias><t:StandardTime><t:Bias>0</t:Bias><t:Time>03:00:00</t:Time><t:DayOrder>1</t:DayOrder><t:Month>4</t:Month><t:DayOfWeek>Sunday</t:DayOfWeek></t:StandardTime><t:DaylightTime><t:Bias>-60</t:Bias><t:Time>02:00:00</t:Time><t:DayOrder>1</t:DayOrder><t:Month>10</t:Month><t:DayOfWeek>Sunday</t:DayOfWeek></t:DaylightTime></t:TimeZone>',
        ),
      ).request.body.children[0],
    );
    expect(sydney.toLocal(Date.UTC(2031, 0, 15)) - Date.UTC(2031, 0, 15)).toBe(11 * H);
    expect(sydney.toLocal(Date.UTC(2031, 6, 15)) - Date.UTC(2031, 6, 15)).toBe(10 * H);
  });
});

describe('GetUserAvailability', () => {
  const reply: FreeBusyReply = {
    results: [
      {
        mailbox: 'alice@parley.test',
        ok: true,
        view: {
          viewType: 'DetailedMerged',
          mergedFreeBusy: '0020',
          calendarEvents: [
            {
              start: '2031-07-01T16:00:00.000Z',
              end: '2031-07-01T17:00:00.000Z',
              busyType: 'Busy',
              details: {
                id: 'AAMk1',
                subject: 'Planning',
                location: 'HQ',
                isMeeting: false,
                isRecurring: false,
                isException: false,
                isReminderSet: false,
                isPrivate: false,
              },
            },
          ],
          workingHours: null,
        },
      },
      {
        mailbox: 'bob@parley.test',
        ok: true,
        view: { viewType: 'FreeBusyMerged', mergedFreeBusy: '0000', calendarEvents: [], workingHours: null },
      },
      { mailbox: 'ghost@parley.test', ok: false, error: { code: 'MailboxNotFound', message: 'no such mailbox' } },
    ],
  };
  const calendar = (answer: FreeBusyReply = reply) =>
    ({ freeBusy: jest.fn(async () => answer) }) as unknown as CalendarClient & { freeBusy: jest.Mock };

  it('asks calendar-sync once for all mailboxes, and answers each in request order with local times (golden)', async () => {
    const gateway = calendar();
    const answer = await new GetUserAvailabilityHandler(gateway).handle(
      context(
        availability(
          ['alice@parley.test', 'Bob@Parley.test', 'ghost@parley.test', 'not-an-address'],
          ['2031-07-01T09:00:00', '2031-07-01T13:00:00'],
        ),
      ),
    );
    expect(gateway.freeBusy).toHaveBeenCalledWith({
      requester: 'alice@parley.test',
      mailboxes: ['alice@parley.test', 'bob@parley.test', 'ghost@parley.test'],
      start: '2031-07-01T16:00:00.000Z',
      end: '2031-07-01T20:00:00.000Z',
      mergedIntervalMinutes: 60,
      requestedView: 'DetailedMerged',
    });
    const notFound =
      '<m:FreeBusyResponse><m:ResponseMessage ResponseClass="Error"><m:MessageText>The mail recipient was not found in the directory.</m:MessageText><m:ResponseCode>ErrorMailRecipientNotFound</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey></m:ResponseMessage></m:FreeBusyResponse>';
    expect(bodyXml(answer)).toBe(
      '<m:GetUserAvailabilityResponse><m:FreeBusyResponseArray>' +
        '<m:FreeBusyResponse><m:ResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode></m:ResponseMessage><m:FreeBusyView><t:FreeBusyViewType>DetailedMerged</t:FreeBusyViewType><t:MergedFreeBusy>0020</t:MergedFreeBusy>' +
        '<t:CalendarEventArray><t:CalendarEvent><t:StartTime>2031-07-01T09:00:00</t:StartTime><t:EndTime>2031-07-01T10:00:00</t:EndTime><t:BusyType>Busy</t:BusyType>' +
        '<t:CalendarEventDetails><t:ID>AAMk1</t:ID><t:Subject>Planning</t:Subject><t:Location>HQ</t:Location><t:IsMeeting>false</t:IsMeeting><t:IsRecurring>false</t:IsRecurring><t:IsException>false</t:IsException><t:IsReminderSet>false</t:IsReminderSet><t:IsPrivate>false</t:IsPrivate></t:CalendarEventDetails>' +
        '</t:CalendarEvent></t:CalendarEventArray></m:FreeBusyView></m:FreeBusyResponse>' +
        '<m:FreeBusyResponse><m:ResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode></m:ResponseMessage><m:FreeBusyView><t:FreeBusyViewType>FreeBusyMerged</t:FreeBusyViewType><t:MergedFreeBusy>0000</t:MergedFreeBusy><t:CalendarEventArray/></m:FreeBusyView></m:FreeBusyResponse>' +
        notFound +
        notFound +
        '</m:FreeBusyResponseArray></m:GetUserAvailabilityResponse>',
    );
  });

  it('takes the zone from TimeZoneContext when the body has none (Exchange 2010+ clients)', async () => {
    const gateway = calendar();
    await new GetUserAvailabilityHandler(gateway).handle(
      context(
        availability(['alice@parley.test'], ['2031-07-01T00:00:00', '2031-07-02T00:00:00'], ''),
        '<t:TimeZoneContext><t:TimeZoneDefinition Id="W. Europe Standard Time"/></t:TimeZoneContext>',
      ),
    );
    expect(gateway.freeBusy.mock.calls[0][0]).toMatchObject({ start: '2031-06-30T22:00:00.000Z', end: '2031-07-01T22:00:00.000Z' });
  });

  it('refuses a window over 42 days for every mailbox, without asking calendar-sync', async () => {
    const gateway = calendar();
    const xml = bodyXml(
      await new GetUserAvailabilityHandler(gateway).handle(
        context(availability(['alice@parley.test', 'bob@parley.test'], ['2031-07-01T00:00:00Z', '2031-08-12T00:00:01Z'])),
      ),
    );
    expect(xml.match(/<m:ResponseCode>ErrorTimeIntervalTooBig<\/m:ResponseCode>/g)).toHaveLength(2);
    expect(gateway.freeBusy).not.toHaveBeenCalled();
  });

  it.each([
    [
      'an interval under 5 minutes',
      (x: string) => x.replace('<t:MergedFreeBusyIntervalInMinutes>60', '<t:MergedFreeBusyIntervalInMinutes>4'),
    ],
    ['an unknown view', (x: string) => x.replace('>DetailedMerged<', '>Everything<')],
    ['a reversed window', (x: string) => x.replace('2031-07-01T13:00:00', '2031-07-01T08:00:00')],
  ])('faults on %s', async (_, mutate) => {
    const xml = mutate(availability(['alice@parley.test'], ['2031-07-01T09:00:00', '2031-07-01T13:00:00']));
    await expect(new GetUserAvailabilityHandler(calendar()).handle(context(xml))).rejects.toHaveProperty('responseCode');
  });
});

describe('WorkingHours in GetUserAvailability', () => {
  const H = 3_600_000;
  const weekdays: WorkingHours['days'] = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'];
  const view = (workingHours: WorkingHours | null, viewType: 'FreeBusy' | 'MergedOnly' = 'FreeBusy') => ({
    viewType,
    mergedFreeBusy: viewType === 'MergedOnly' ? '00' : null,
    calendarEvents: viewType === 'MergedOnly' ? null : [],
    workingHours,
  });
  const answer = async (views: ReturnType<typeof view>[], window: [string, string] = ['2031-07-01T00:00:00', '2031-07-02T00:00:00']) => {
    const reply: FreeBusyReply = { results: views.map((v, i) => ({ mailbox: `u${i}@parley.test`, ok: true, view: v })) };
    const gateway = { freeBusy: jest.fn(async () => reply) } as unknown as CalendarClient;
    return bodyXml(
      await new GetUserAvailabilityHandler(gateway).handle(
        context(
          availability(
            views.map((_, i) => `u${i}@parley.test`),
            window,
            PACIFIC,
            'FreeBusy',
          ),
        ),
      ),
    );
  };
  const zoneOf = (windowsId: string) => {
    const zone = serverTimeZone(windowsId, 2031);
    if (!zone) throw new Error(`unknown zone ${windowsId}`);
    return zone;
  };
  const workingHoursOf = (xml: string) => [...xml.matchAll(/<t:WorkingHours>.*?<\/t:WorkingHours>/g)].map((m) => m[0]);

  it("writes the time zone as a SerializableTimeZone with the rules of the request's year, then the working period (golden)", async () => {
    const xml = await answer([
      view({ timeZone: 'W. Europe Standard Time', days: weekdays, startMinutes: 480, endMinutes: 1020 }),
      view({ timeZone: 'UTC', days: ['Sunday', 'Saturday'], startMinutes: 0, endMinutes: 1440 }),
    ]);
    expect(workingHoursOf(xml)).toEqual([
      // Berlin: UTC+1 (Bias -60), summer time one hour more from the last Sunday of March at 02:00 to the last Sunday of October at 03:00.
      '<t:WorkingHours><t:TimeZone><t:Bias>-60</t:Bias>' +
        '<t:StandardTime><t:Bias>0</t:Bias><t:Time>03:00:00</t:Time><t:DayOrder>5</t:DayOrder><t:Month>10</t:Month><t:DayOfWeek>Sunday</t:DayOfWeek></t:StandardTime>' +
        '<t:DaylightTime><t:Bias>-60</t:Bias><t:Time>02:00:00</t:Time><t:DayOrder>5</t:DayOrder><t:Month>3</t:Month><t:DayOfWeek>Sunday</t:DayOfWeek></t:DaylightTime></t:TimeZone>' +
        '<t:WorkingPeriodArray><t:WorkingPeriod><t:DayOfWeek>Monday Tuesday Wednesday Thursday Friday</t:DayOfWeek><t:StartTimeInMinutes>480</t:StartTimeInMinutes><t:EndTimeInMinutes>1020</t:EndTimeInMinutes></t:WorkingPeriod></t:WorkingPeriodArray></t:WorkingHours>',
      // UTC: no daylight saving time, both changes empty.
      '<t:WorkingHours><t:TimeZone><t:Bias>0</t:Bias>' +
        '<t:StandardTime><t:Bias>0</t:Bias><t:Time>00:00:00</t:Time><t:DayOrder>0</t:DayOrder><t:Month>0</t:Month><t:DayOfWeek>Sunday</t:DayOfWeek></t:StandardTime>' +
        '<t:DaylightTime><t:Bias>0</t:Bias><t:Time>00:00:00</t:Time><t:DayOrder>0</t:DayOrder><t:Month>0</t:Month><t:DayOfWeek>Sunday</t:DayOfWeek></t:DaylightTime></t:TimeZone>' +
        '<t:WorkingPeriodArray><t:WorkingPeriod><t:DayOfWeek>Sunday Saturday</t:DayOfWeek><t:StartTimeInMinutes>0</t:StartTimeInMinutes><t:EndTimeInMinutes>1440</t:EndTimeInMinutes></t:WorkingPeriod></t:WorkingPeriodArray></t:WorkingHours>',
    ]);
    // Last in FreeBusyView, after the events (types.xsd's order).
    expect(xml).toContain('<t:CalendarEventArray/><t:WorkingHours>');
  });

  it('writes the Pacific rules as Microsoft documents them', () => {
    const xml = writeEwsXml(serializableTimeZoneElement(zoneOf('Pacific Standard Time')));
    expect(xml).toContain(
      '<t:Bias>480</t:Bias><t:StandardTime><t:Bias>0</t:Bias><t:Time>02:00:00</t:Time><t:DayOrder>1</t:DayOrder><t:Month>11</t:Month><t:DayOfWeek>Sunday</t:DayOfWeek></t:StandardTime>' +
        '<t:DaylightTime><t:Bias>-60</t:Bias><t:Time>02:00:00</t:Time><t:DayOrder>2</t:DayOrder><t:Month>3</t:Month><t:DayOfWeek>Sunday</t:DayOfWeek></t:DaylightTime>',
    );
  });

  it.each([
    ['W. Europe Standard Time', 'Europe/Berlin'],
    ['AUS Eastern Standard Time', 'Australia/Sydney'],
    ['India Standard Time', 'Asia/Calcutta'],
    ['Newfoundland Standard Time', 'America/St_Johns'],
  ])('writes %s so that reading it back gives the same offsets as %s all year', (windowsId, iana) => {
    const written = writeEwsXml(serializableTimeZoneElement(zoneOf(windowsId))).replace(/^<\?xml[^>]*\?>/, '');
    const zone = serializableTimeZone(
      context(availability(['a@b.c'], ['2031-01-01T00:00:00', '2031-01-02T00:00:00'], written)).request.body.children[0],
    );
    const mismatches: string[] = [];
    for (let utc = Date.UTC(2031, 0, 1); utc < Date.UTC(2032, 0, 1); utc += H) {
      if (zone.toLocal(utc) !== utcToLocal(iana, utc)) mismatches.push(new Date(utc).toISOString());
    }
    expect(mismatches).toEqual([]);
  });

  it('leaves WorkingHours out of views without them, and for a zone the gateway does not know', async () => {
    const xml = await answer([
      view(null, 'MergedOnly'),
      view({ timeZone: 'Mars Standard Time', days: weekdays, startMinutes: 480, endMinutes: 1020 }),
    ]);
    expect(workingHoursOf(xml)).toEqual([]);
    expect(xml.match(/<m:ResponseCode>NoError<\/m:ResponseCode>/g)).toHaveLength(2);
  });
});

describe('Meeting suggestions in GetUserAvailability', () => {
  const weekdays: WorkingHours['days'] = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'];
  const pacificNineToFive: WorkingHours = { timeZone: 'Pacific Standard Time', days: weekdays, startMinutes: 9 * 60, endMinutes: 17 * 60 };
  // Tuesday 1 July 2031, Pacific daylight time (UTC-7): alice busy 09:00–10:00, bob out of office 10:00–11:00.
  const reply: FreeBusyReply = {
    results: [
      {
        mailbox: 'alice@parley.test',
        ok: true,
        view: {
          viewType: 'FreeBusy',
          mergedFreeBusy: null,
          calendarEvents: [{ start: '2031-07-01T16:00:00.000Z', end: '2031-07-01T17:00:00.000Z', busyType: 'Busy', details: null }],
          workingHours: pacificNineToFive,
        },
      },
      {
        mailbox: 'bob@parley.test',
        ok: true,
        view: {
          viewType: 'FreeBusy',
          mergedFreeBusy: null,
          calendarEvents: [{ start: '2031-07-01T17:00:00.000Z', end: '2031-07-01T18:00:00.000Z', busyType: 'OOF', details: null }],
          workingHours: pacificNineToFive,
        },
      },
      { mailbox: 'ghost@parley.test', ok: false, error: { code: 'MailboxNotFound', message: 'no such mailbox' } },
    ],
  };
  const calendar = () => ({ freeBusy: jest.fn(async () => reply) }) as unknown as CalendarClient & { freeBusy: jest.Mock };
  const mailboxData = (address: string, type: string) =>
    `<t:MailboxData><t:Email><t:Address>${address}</t:Address></t:Email><t:AttendeeType>${type}</t:AttendeeType><t:ExcludeConflicts>false</t:ExcludeConflicts></t:MailboxData>`;
  const suggestionsOptions = (window: [string, string] | null = ['2031-07-01T00:00:00', '2031-07-02T00:00:00'], extra = '') =>
    '<t:SuggestionsViewOptions><t:GoodThreshold>25</t:GoodThreshold><t:MaximumResultsByDay>2</t:MaximumResultsByDay><t:MaximumNonWorkHourResultsByDay>0</t:MaximumNonWorkHourResultsByDay>' +
    `<t:MeetingDurationInMinutes>60</t:MeetingDurationInMinutes><t:MinimumSuggestionQuality>Good</t:MinimumSuggestionQuality>${extra}` +
    (window
      ? `<t:DetailedSuggestionsWindow><t:StartTime>${window[0]}</t:StartTime><t:EndTime>${window[1]}</t:EndTime></t:DetailedSuggestionsWindow>`
      : '') +
    '<t:GlobalObjectId/></t:SuggestionsViewOptions>';
  const freeBusyOptions = (window: [string, string]) =>
    `<t:FreeBusyViewOptions><t:TimeWindow><t:StartTime>${window[0]}</t:StartTime><t:EndTime>${window[1]}</t:EndTime></t:TimeWindow><t:MergedFreeBusyIntervalInMinutes>60</t:MergedFreeBusyIntervalInMinutes><t:RequestedView>DetailedMerged</t:RequestedView></t:FreeBusyViewOptions>`;
  const request = (options: string) =>
    `<m:GetUserAvailabilityRequest>${PACIFIC}<m:MailboxDataArray>${mailboxData('alice@parley.test', 'Organizer')}${mailboxData('bob@parley.test', 'Required')}${mailboxData('ghost@parley.test', 'Required')}</m:MailboxDataArray>${options}</m:GetUserAvailabilityRequest>`;
  const handle = async (gateway: CalendarClient, options: string) =>
    bodyXml(await new GetUserAvailabilityHandler(gateway).handle(context(request(options))));

  it('suggests the best times of each day in the request’s zone, with conflicts per mailbox in request order (golden)', async () => {
    const gateway = calendar();
    const xml = await handle(gateway, suggestionsOptions());
    expect(gateway.freeBusy).toHaveBeenCalledTimes(1);
    expect(gateway.freeBusy).toHaveBeenCalledWith({
      requester: 'alice@parley.test',
      mailboxes: ['alice@parley.test', 'bob@parley.test', 'ghost@parley.test'],
      start: '2031-07-01T07:00:00.000Z',
      end: '2031-07-02T07:00:00.000Z',
      mergedIntervalMinutes: 30,
      requestedView: 'FreeBusy',
    });
    const free = '<t:IndividualAttendeeConflictData><t:BusyType>Free</t:BusyType></t:IndividualAttendeeConflictData>';
    const suggestion = (time: string) =>
      `<t:Suggestion><t:MeetingTime>${time}</t:MeetingTime><t:IsWorkTime>true</t:IsWorkTime><t:SuggestionQuality>Excellent</t:SuggestionQuality>` +
      `<t:AttendeeConflictDataArray>${free}${free}<t:UnknownAttendeeConflictData/></t:AttendeeConflictDataArray></t:Suggestion>`;
    expect(xml).toBe(
      '<m:GetUserAvailabilityResponse><m:SuggestionsResponse><m:ResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode></m:ResponseMessage>' +
        '<m:SuggestionDayResultArray><t:SuggestionDayResult><t:Date>2031-07-01T00:00:00</t:Date><t:DayQuality>Excellent</t:DayQuality><t:SuggestionArray>' +
        suggestion('2031-07-01T11:00:00') +
        suggestion('2031-07-01T11:30:00') +
        '</t:SuggestionArray></t:SuggestionDayResult></m:SuggestionDayResultArray></m:SuggestionsResponse></m:GetUserAvailabilityResponse>',
    );
  });

  it('answers free/busy first and suggestions after, from one calendar-sync call when both cover the same window', async () => {
    const gateway = calendar();
    const xml = await handle(gateway, freeBusyOptions(['2031-07-01T00:00:00', '2031-07-02T00:00:00']) + suggestionsOptions(null));
    expect(gateway.freeBusy).toHaveBeenCalledTimes(1);
    expect(xml).toMatch(
      /^<m:GetUserAvailabilityResponse><m:FreeBusyResponseArray>.*<\/m:FreeBusyResponseArray><m:SuggestionsResponse>.*<t:MeetingTime>2031-07-01T11:00:00<\/t:MeetingTime>.*<\/m:SuggestionsResponse><\/m:GetUserAvailabilityResponse>$/,
    );
  });

  it('asks calendar-sync separately for a different suggestions window', async () => {
    const gateway = calendar();
    await handle(
      gateway,
      freeBusyOptions(['2031-07-01T00:00:00', '2031-07-02T00:00:00']) + suggestionsOptions(['2031-07-01T00:00:00', '2031-07-03T00:00:00']),
    );
    expect(gateway.freeBusy.mock.calls.map(([r]) => [r.requestedView, r.end])).toEqual([
      ['DetailedMerged', '2031-07-02T07:00:00.000Z'],
      ['FreeBusy', '2031-07-03T07:00:00.000Z'],
    ]);
  });

  it('answers ErrorTimeIntervalTooBig in SuggestionsResponse for a suggestions window over 42 days, free/busy still answered', async () => {
    const gateway = calendar();
    const xml = await handle(
      gateway,
      freeBusyOptions(['2031-07-01T00:00:00', '2031-07-02T00:00:00']) + suggestionsOptions(['2031-07-01T00:00:00', '2031-08-13T00:00:00']),
    );
    expect(xml).toContain(
      '<m:SuggestionsResponse><m:ResponseMessage ResponseClass="Error"><m:MessageText>The time window is larger than the allowed 42 days.</m:MessageText><m:ResponseCode>ErrorTimeIntervalTooBig</m:ResponseCode>',
    );
    expect(xml.match(/<m:ResponseCode>NoError<\/m:ResponseCode>/g)).toHaveLength(2);
    expect(gateway.freeBusy).toHaveBeenCalledTimes(1);
  });

  it('answers ErrorServerBusy in SuggestionsResponse when calendar-sync does not answer in time', async () => {
    const gateway = {
      freeBusy: jest.fn(async () => Promise.reject(new CommandTimeoutError('calendar.free-busy.get.request.v1', 5000))),
    } as unknown as CalendarClient;
    expect(await handle(gateway, suggestionsOptions())).toMatch(
      /^<m:GetUserAvailabilityResponse><m:SuggestionsResponse><m:ResponseMessage ResponseClass="Error">.*<m:ResponseCode>ErrorServerBusy<\/m:ResponseCode>.*<\/m:ResponseMessage><\/m:SuggestionsResponse>/,
    );
  });

  it.each([
    ['GoodThreshold 50', (x: string) => x.replace('<t:GoodThreshold>25', '<t:GoodThreshold>50'), 'ErrorInvalidRequest'],
    [
      'a 29-minute meeting',
      (x: string) => x.replace('<t:MeetingDurationInMinutes>60', '<t:MeetingDurationInMinutes>29'),
      'ErrorInvalidRequest',
    ],
    ['49 results a day', (x: string) => x.replace('<t:MaximumResultsByDay>2', '<t:MaximumResultsByDay>49'), 'ErrorInvalidRequest'],
    ['an unknown quality', (x: string) => x.replace('>Good<', '>Great<'), 'ErrorSchemaValidation'],
    [
      'no window at all',
      (x: string) => x.replace(/<t:DetailedSuggestionsWindow>.*<\/t:DetailedSuggestionsWindow>/, ''),
      'ErrorInvalidRequest',
    ],
    ['a reversed window', (x: string) => x.replace('2031-07-02T00:00:00', '2031-06-30T00:00:00'), 'ErrorInvalidRequest'],
    ['neither view', (x: string) => x.replace(/<t:SuggestionsViewOptions>.*<\/t:SuggestionsViewOptions>/, ''), 'ErrorInvalidRequest'],
  ])('faults on %s', async (_, mutate, code) => {
    await expect(new GetUserAvailabilityHandler(calendar()).handle(context(mutate(request(suggestionsOptions()))))).rejects.toHaveProperty(
      'responseCode',
      code,
    );
  });
});
