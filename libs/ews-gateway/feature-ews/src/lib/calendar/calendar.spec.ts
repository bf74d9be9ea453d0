import { type CalendarItemView, CommandErrorCodes, type Recurrence, Topics } from '@parley/contracts';
import { ActingMailboxResolver, type ActingMailbox } from '@parley/ews-gateway/auth';
import { NS, readSoapRequest, writeEwsXml } from '@parley/ews-gateway/soap';
import { CommandRefusedError, CommandTimeoutError } from '@parley/messaging';
import { FolderIds } from '../folders/folder-ids';
import { bodyXml, directoryUser, M, T } from '../../../test/ews-operation-fixtures';
import type { EwsOperationContext } from '../ews-operation';
import { CalendarAccess } from './calendar-access';
import type { CalendarClient } from './calendar.client';
import { readRecurrence } from './calendar-item.reader';
import { recurrenceElement } from './calendar-item.writer';
import { CreateItemHandler } from './create-item.handler';
import { DeleteItemHandler } from './delete-item.handler';
import { FindItemHandler } from './find-item.handler';
import { GetItemHandler } from './get-item.handler';
import { readItemChange, UpdateItemHandler } from './update-item.handler';

const alice = directoryUser('alice@parley.test', 'Alice');
const bob = directoryUser('bob@parley.test', 'Bob');
const folderIds = new FolderIds({ idSecret: 'test-secret' });
const access = new CalendarAccess(new ActingMailboxResolver({} as never), folderIds);
const calendarFolder = folderIds.identity('alice@parley.test', 'calendar');

function context(operation: string, opts: { header?: string; caller?: typeof alice } = {}): EwsOperationContext {
  const xml = `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:m="${M}" xmlns:t="${T}"><soap:Header><t:RequestServerVersion Version="Exchange2013_SP1"/>${opts.header ?? ''}</soap:Header><soap:Body>${operation}</soap:Body></soap:Envelope>`;
  const acting: ActingMailbox = { caller: opts.caller ?? alice, mailbox: opts.caller ?? alice, impersonating: false };
  return { request: readSoapRequest(xml), acting };
}

const berlin = '<t:TimeZoneContext><t:TimeZoneDefinition Id="W. Europe Standard Time"/></t:TimeZoneContext>';

function view(extra: Partial<CalendarItemView> = {}): CalendarItemView {
  return {
    id: 'AAMkSeries1',
    changeKey: 'CK1',
    mailbox: 'alice@parley.test',
    itemType: 'RecurringMaster',
    subject: 'Team sync',
    body: { type: 'HTML', content: '<p>agenda & notes</p>' },
    location: 'Room 1',
    start: '2031-03-03T09:00:00.000Z',
    end: '2031-03-03T10:00:00.000Z',
    isAllDay: false,
    legacyFreeBusyStatus: 'Busy',
    sensitivity: 'Normal',
    organizer: { address: 'alice@parley.test', name: 'Alice', responseType: 'Organizer' },
    requiredAttendees: [{ address: 'bob@parley.test', name: 'Bob', responseType: 'Unknown' }],
    optionalAttendees: [],
    startTimeZone: 'UTC',
    endTimeZone: 'UTC',
    recurrence: {
      pattern: { type: 'Weekly', interval: 1, daysOfWeek: ['Monday', 'Wednesday'], firstDayOfWeek: 'Sunday' },
      range: { type: 'Numbered', startDate: '2031-03-03', numberOfOccurrences: 6 },
    },
    modifiedOccurrences: [],
    deletedOccurrences: ['2031-03-05T09:00:00.000Z'],
    occurrence: null,
    firstOccurrence: null,
    lastOccurrence: null,
    revision: 2,
    createdAt: '2031-01-01T08:00:00.000Z',
    lastModifiedAt: '2031-01-02T08:00:00.000Z',
    ...extra,
  };
}

function fakeCalendar(overrides: Partial<Record<keyof CalendarClient, jest.Mock>> = {}) {
  return {
    create: jest.fn(async () => view({ id: 'AAMkNew', changeKey: 'CKnew' })),
    update: jest.fn(async () => view({ changeKey: 'CK2' })),
    delete: jest.fn(async () => ({ deleted: 'item', id: 'x', changeKey: null })),
    get: jest.fn(async () => view()),
    find: jest.fn(async () => ({
      items: [
        view({
          id: 'AAMkOcc1',
          itemType: 'Occurrence',
          recurrence: null,
          occurrence: { seriesId: 'AAMkSeries1', index: 1, originalStart: '2031-03-03T09:00:00.000Z' },
        }),
      ],
      totalItemsInView: 6,
      includesLastItemInRange: false,
    })),
    freeBusy: jest.fn(),
    ...overrides,
  } as unknown as CalendarClient & { [K in keyof CalendarClient]: jest.Mock };
}

describe('CreateItem (calendar)', () => {
  const request = (folder = '<t:DistinguishedFolderId Id="calendar"/>') =>
    `<m:CreateItem SendMeetingInvitations="SendToAllAndSaveCopy"><m:SavedItemFolderId>${folder}</m:SavedItemFolderId><m:Items>` +
    '<t:CalendarItem><t:Subject>Team sync</t:Subject><t:Body BodyType="HTML">&lt;p&gt;hi&lt;/p&gt;</t:Body><t:ReminderIsSet>true</t:ReminderIsSet>' +
    '<t:Start>2031-03-03T10:00:00</t:Start><t:End>2031-03-03T11:00:00</t:End><t:IsAllDayEvent>false</t:IsAllDayEvent><t:LegacyFreeBusyStatus>Tentative</t:LegacyFreeBusyStatus><t:Location>Room 1</t:Location>' +
    '<t:RequiredAttendees><t:Attendee><t:Mailbox><t:Name>Bob</t:Name><t:EmailAddress>Bob@Parley.test</t:EmailAddress></t:Mailbox></t:Attendee></t:RequiredAttendees>' +
    '<t:Recurrence><t:WeeklyRecurrence><t:Interval>1</t:Interval><t:DaysOfWeek>Monday Wednesday</t:DaysOfWeek></t:WeeklyRecurrence><t:NumberedRecurrence><t:StartDate>2031-03-03+01:00</t:StartDate><t:NumberOfOccurrences>6</t:NumberOfOccurrences></t:NumberedRecurrence></t:Recurrence>' +
    '</t:CalendarItem></m:Items></m:CreateItem>';

  it('reads unzoned times in the TimeZoneContext zone, keeps that zone, and answers the new ItemId (golden)', async () => {
    const calendar = fakeCalendar();
    const answer = await new CreateItemHandler(calendar, access).handle(context(request(), { header: berlin }));
    expect(calendar.create).toHaveBeenCalledWith(
      'alice@parley.test',
      {
        subject: 'Team sync',
        body: { type: 'HTML', content: '<p>hi</p>' },
        start: '2031-03-03T09:00:00.000Z',
        end: '2031-03-03T10:00:00.000Z',
        isAllDay: false,
        legacyFreeBusyStatus: 'Tentative',
        location: 'Room 1',
        requiredAttendees: [{ address: 'bob@parley.test', name: 'Bob', responseType: 'Unknown' }],
        recurrence: {
          pattern: { type: 'Weekly', interval: 1, daysOfWeek: ['Monday', 'Wednesday'], firstDayOfWeek: 'Sunday' },
          range: { type: 'Numbered', startDate: '2031-03-03', numberOfOccurrences: 6 },
        },
        startTimeZone: 'W. Europe Standard Time',
      },
      'SendToAllAndSaveCopy',
    );
    expect(bodyXml(answer)).toBe(
      '<m:CreateItemResponse><m:ResponseMessages><m:CreateItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>' +
        '<m:Items><t:CalendarItem><t:ItemId Id="AAMkNew" ChangeKey="CKnew"/></t:CalendarItem></m:Items></m:CreateItemResponseMessage></m:ResponseMessages></m:CreateItemResponse>',
    );
  });

  it('reads unzoned times as UTC without a TimeZoneContext, and honours StartTimeZone', async () => {
    const calendar = fakeCalendar();
    const item =
      '<t:CalendarItem><t:Start>2031-03-03T10:00:00</t:Start><t:End>2031-03-03T11:00:00Z</t:End><t:StartTimeZone Id="Pacific Standard Time"/><t:EndTimeZone Id="Pacific Standard Time"/></t:CalendarItem>';
    await new CreateItemHandler(calendar, access).handle(
      context(`<m:CreateItem SendMeetingInvitations="SendToNone"><m:Items>${item}</m:Items></m:CreateItem>`),
    );
    expect(calendar.create).toHaveBeenCalledWith(
      'alice@parley.test',
      {
        start: '2031-03-03T10:00:00.000Z',
        end: '2031-03-03T11:00:00.000Z',
        startTimeZone: 'Pacific Standard Time',
        endTimeZone: 'Pacific Standard Time',
      },
      'SendToNone',
    );
  });

  it('passes SendMeetingInvitations on (SendToNone without it), and refuses an unknown mode', async () => {
    const calendar = fakeCalendar();
    const item = '<t:CalendarItem><t:Start>2031-03-03T10:00:00Z</t:Start><t:End>2031-03-03T11:00:00Z</t:End></t:CalendarItem>';
    await new CreateItemHandler(calendar, access).handle(
      context(`<m:CreateItem SendMeetingInvitations="SendOnlyToAll"><m:Items>${item}</m:Items></m:CreateItem>`),
    );
    await new CreateItemHandler(calendar, access).handle(context(`<m:CreateItem><m:Items>${item}</m:Items></m:CreateItem>`));
    expect(calendar.create.mock.calls.map((c: unknown[]) => c[2])).toEqual(['SendOnlyToAll', 'SendToNone']);
    await expect(
      new CreateItemHandler(calendar, access).handle(
        context(`<m:CreateItem SendMeetingInvitations="SendToSome"><m:Items>${item}</m:Items></m:CreateItem>`),
      ),
    ).rejects.toMatchObject({
      responseCode: 'ErrorSchemaValidation',
    });
  });

  it.each([
    [
      'another user’s calendar',
      '<t:DistinguishedFolderId Id="calendar"><t:Mailbox><t:EmailAddress>alice@parley.test</t:EmailAddress></t:Mailbox></t:DistinguishedFolderId>',
      bob,
      'ErrorAccessDenied',
    ],
    ['the inbox', '<t:DistinguishedFolderId Id="inbox"/>', alice, 'ErrorInvalidOperation'],
    [
      'a folder id of another mailbox',
      `<t:FolderId Id="${folderIds.identity('bob@parley.test', 'calendar').id}"/>`,
      alice,
      'ErrorFolderNotFound',
    ],
  ])('refuses %s per item', async (_, folder, caller, code) => {
    const calendar = fakeCalendar();
    const xml = bodyXml(await new CreateItemHandler(calendar, access).handle(context(request(folder), { caller })));
    expect(xml).toContain(`<m:ResponseCode>${code}</m:ResponseCode>`);
    expect(xml).toContain('<m:Items/>');
    expect(calendar.create).not.toHaveBeenCalled();
  });

  it('accepts the calendar by folder id', async () => {
    const calendar = fakeCalendar();
    await new CreateItemHandler(calendar, access).handle(
      context(request(`<t:FolderId Id="${calendarFolder.id}" ChangeKey="${calendarFolder.changeKey}"/>`)),
    );
    expect(calendar.create).toHaveBeenCalled();
  });

  it.each([
    [CommandErrorCodes.invalidRecurrence, 'ErrorCalendarInvalidRecurrence'],
    [CommandErrorCodes.invalidTimeZone, 'ErrorCalendarInvalidTimeZone'],
    [CommandErrorCodes.invalidDuration, 'ErrorCalendarEndDateIsEarlierThanStartDate'],
    [CommandErrorCodes.mailboxNotFound, 'ErrorNonExistentMailbox'],
    [CommandErrorCodes.invalidRequest, 'ErrorInvalidRequest'],
  ] as const)('maps calendar-sync’s %s to %s', async (code, ews) => {
    const calendar = fakeCalendar({
      create: jest.fn(async () => Promise.reject(new CommandRefusedError(Topics.calendarItemCreateRequest, code, 'no'))),
    });
    expect(bodyXml(await new CreateItemHandler(calendar, access).handle(context(request())))).toContain(
      `<m:ResponseCode>${ews}</m:ResponseCode>`,
    );
  });

  it('answers a timeout of calendar-sync with ErrorServerBusy and a back-off', async () => {
    const calendar = fakeCalendar({ create: jest.fn(async () => Promise.reject(new CommandTimeoutError('t', 1))) });
    const xml = bodyXml(await new CreateItemHandler(calendar, access).handle(context(request())));
    expect(xml).toContain('<m:ResponseCode>ErrorServerBusy</m:ResponseCode>');
    expect(xml).toContain('<t:Value Name="BackOffMilliseconds">2000</t:Value>');
  });
});

describe('Recurrence (every pattern and range)', () => {
  const cases: Array<[string, Recurrence]> = [
    [
      '<t:DailyRecurrence><t:Interval>2</t:Interval></t:DailyRecurrence><t:NoEndRecurrence><t:StartDate>2031-01-01</t:StartDate></t:NoEndRecurrence>',
      { pattern: { type: 'Daily', interval: 2 }, range: { type: 'NoEnd', startDate: '2031-01-01' } },
    ],
    [
      '<t:WeeklyRecurrence><t:Interval>1</t:Interval><t:DaysOfWeek>Tuesday Thursday</t:DaysOfWeek><t:FirstDayOfWeek>Monday</t:FirstDayOfWeek></t:WeeklyRecurrence><t:EndDateRecurrence><t:StartDate>2031-01-01</t:StartDate><t:EndDate>2031-06-30</t:EndDate></t:EndDateRecurrence>',
      {
        pattern: { type: 'Weekly', interval: 1, daysOfWeek: ['Tuesday', 'Thursday'], firstDayOfWeek: 'Monday' },
        range: { type: 'EndDate', startDate: '2031-01-01', endDate: '2031-06-30' },
      },
    ],
    [
      '<t:AbsoluteMonthlyRecurrence><t:Interval>1</t:Interval><t:DayOfMonth>31</t:DayOfMonth></t:AbsoluteMonthlyRecurrence><t:NumberedRecurrence><t:StartDate>2031-01-31</t:StartDate><t:NumberOfOccurrences>12</t:NumberOfOccurrences></t:NumberedRecurrence>',
      {
        pattern: { type: 'AbsoluteMonthly', interval: 1, dayOfMonth: 31 },
        range: { type: 'Numbered', startDate: '2031-01-31', numberOfOccurrences: 12 },
      },
    ],
    [
      '<t:RelativeMonthlyRecurrence><t:Interval>3</t:Interval><t:DaysOfWeek>Weekday</t:DaysOfWeek><t:DayOfWeekIndex>Last</t:DayOfWeekIndex></t:RelativeMonthlyRecurrence><t:NoEndRecurrence><t:StartDate>2031-01-01</t:StartDate></t:NoEndRecurrence>',
      {
        pattern: { type: 'RelativeMonthly', interval: 3, daysOfWeek: 'Weekday', dayOfWeekIndex: 'Last' },
        range: { type: 'NoEnd', startDate: '2031-01-01' },
      },
    ],
    [
      '<t:AbsoluteYearlyRecurrence><t:DayOfMonth>29</t:DayOfMonth><t:Month>February</t:Month></t:AbsoluteYearlyRecurrence><t:NoEndRecurrence><t:StartDate>2032-02-29</t:StartDate></t:NoEndRecurrence>',
      { pattern: { type: 'AbsoluteYearly', dayOfMonth: 29, month: 'February' }, range: { type: 'NoEnd', startDate: '2032-02-29' } },
    ],
    [
      '<t:RelativeYearlyRecurrence><t:DaysOfWeek>Thursday</t:DaysOfWeek><t:DayOfWeekIndex>Fourth</t:DayOfWeekIndex><t:Month>November</t:Month></t:RelativeYearlyRecurrence><t:NoEndRecurrence><t:StartDate>2031-11-27</t:StartDate></t:NoEndRecurrence>',
      {
        pattern: { type: 'RelativeYearly', daysOfWeek: 'Thursday', dayOfWeekIndex: 'Fourth', month: 'November' },
        range: { type: 'NoEnd', startDate: '2031-11-27' },
      },
    ],
  ];

  it.each(cases)('reads and writes %s', (inner, expected) => {
    const req = readSoapRequest(
      `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><m:X xmlns:m="${M}" xmlns:t="${T}"><t:Recurrence>${inner}</t:Recurrence></m:X></soap:Body></soap:Envelope>`,
    );
    const recurrence = req.body.children[0];
    expect(recurrence.ns).toBe(NS.TYPES);
    expect(readRecurrence(recurrence)).toEqual(expected);
    expect(writeEwsXml(recurrenceElement(expected))).toContain(`<t:Recurrence xmlns:t="${T}">${inner}</t:Recurrence>`);
  });

  it('refuses an invalid rule per item', () => {
    const req = readSoapRequest(
      `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><t:Recurrence xmlns:m="${M}" xmlns:t="${T}"><t:DailyRecurrence><t:Interval>0</t:Interval></t:DailyRecurrence><t:NoEndRecurrence><t:StartDate>2031-01-01</t:StartDate></t:NoEndRecurrence></t:Recurrence></soap:Body></soap:Envelope>`
        .replace('<t:Recurrence', '<m:X xmlns:m="' + M + '"><t:Recurrence')
        .replace('</t:Recurrence></soap:Body>', '</t:Recurrence></m:X></soap:Body>'),
    );
    expect(() => readRecurrence(req.body.children[0])).toThrow(expect.objectContaining({ responseCode: 'ErrorCalendarInvalidRecurrence' }));
  });
});

describe('FindItem with a CalendarView', () => {
  const find = (
    shape: string,
    folder = '<t:DistinguishedFolderId Id="calendar"/>',
    viewXml = '<m:CalendarView MaxEntriesReturned="5000" StartDate="2031-03-01T00:00:00" EndDate="2031-04-01T00:00:00Z"/>',
  ) =>
    `<m:FindItem Traversal="Shallow"><m:ItemShape>${shape}</m:ItemShape>${viewXml}<m:ParentFolderIds>${folder}</m:ParentFolderIds></m:FindItem>`;

  it('answers occurrences with the requested properties and RootFolder counts (golden)', async () => {
    const calendar = fakeCalendar();
    const shape =
      '<t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties><t:FieldURI FieldURI="calendar:End"/><t:FieldURI FieldURI="item:Subject"/><t:FieldURI FieldURI="calendar:Start"/><t:FieldURI FieldURI="calendar:IsRecurring"/><t:FieldURI FieldURI="calendar:CalendarItemType"/><t:FieldURI FieldURI="calendar:Location"/><t:FieldURI FieldURI="calendar:LegacyFreeBusyStatus"/><t:FieldURI FieldURI="calendar:NetShowUrl"/><t:ExtendedFieldURI PropertyTag="0x0e07" PropertyType="Integer"/></t:AdditionalProperties>';
    const answer = await new FindItemHandler(calendar, access).handle(context(find(shape), { header: berlin }));
    // Unzoned StartDate in the context zone; MaxEntriesReturned capped at the contract's maximum.
    expect(calendar.find).toHaveBeenCalledWith('alice@parley.test', '2031-02-28T23:00:00.000Z', '2031-04-01T00:00:00.000Z', 2000);
    expect(bodyXml(answer)).toBe(
      '<m:FindItemResponse><m:ResponseMessages><m:FindItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>' +
        '<m:RootFolder TotalItemsInView="6" IncludesLastItemInRange="false"><t:Items><t:CalendarItem><t:ItemId Id="AAMkOcc1" ChangeKey="CK1"/><t:Subject>Team sync</t:Subject>' +
        '<t:Start>2031-03-03T09:00:00Z</t:Start><t:End>2031-03-03T10:00:00Z</t:End><t:LegacyFreeBusyStatus>Busy</t:LegacyFreeBusyStatus><t:Location>Room 1</t:Location>' +
        '<t:IsRecurring>true</t:IsRecurring><t:CalendarItemType>Occurrence</t:CalendarItemType></t:CalendarItem></t:Items></m:RootFolder></m:FindItemResponseMessage></m:ResponseMessages></m:FindItemResponse>',
    );
  });

  it('writes AllProperties in types.xsd order', async () => {
    const calendar = fakeCalendar({ find: jest.fn(async () => ({ items: [view()], totalItemsInView: 1, includesLastItemInRange: true })) });
    const xml = bodyXml(await new FindItemHandler(calendar, access).handle(context(find('<t:BaseShape>AllProperties</t:BaseShape>'))));
    const names = [...xml.matchAll(/<t:(\w+)/g)].map((m) => m[1]);
    const top = names
      .slice(names.indexOf('CalendarItem') + 1)
      .filter((n) =>
        [
          'ItemId',
          'ParentFolderId',
          'ItemClass',
          'Subject',
          'Sensitivity',
          'Body',
          'DateTimeReceived',
          'Importance',
          'IsDraft',
          'DateTimeSent',
          'DateTimeCreated',
          'HasAttachments',
          'LastModifiedTime',
          'Start',
          'End',
          'IsAllDayEvent',
          'LegacyFreeBusyStatus',
          'Location',
          'IsMeeting',
          'IsCancelled',
          'IsRecurring',
          'MeetingRequestWasSent',
          'CalendarItemType',
          'MyResponseType',
          'Organizer',
          'RequiredAttendees',
          'Duration',
          'AppointmentSequenceNumber',
          'AppointmentState',
          'Recurrence',
          'DeletedOccurrences',
          'StartTimeZone',
          'EndTimeZone',
        ].includes(n),
      );
    expect([...new Set(top)]).toEqual([
      'ItemId',
      'ParentFolderId',
      'ItemClass',
      'Subject',
      'Sensitivity',
      'Body',
      'DateTimeReceived',
      'Importance',
      'IsDraft',
      'DateTimeSent',
      'DateTimeCreated',
      'HasAttachments',
      'LastModifiedTime',
      'Start',
      'End',
      'IsAllDayEvent',
      'LegacyFreeBusyStatus',
      'Location',
      'IsMeeting',
      'IsCancelled',
      'IsRecurring',
      'MeetingRequestWasSent',
      'CalendarItemType',
      'MyResponseType',
      'Organizer',
      'RequiredAttendees',
      'Duration',
      'AppointmentSequenceNumber',
      'AppointmentState',
      'Recurrence',
      'DeletedOccurrences',
      'StartTimeZone',
      'EndTimeZone',
    ]);
    expect(xml).toContain(`<t:ParentFolderId Id="${calendarFolder.id}" ChangeKey="${calendarFolder.changeKey}"/>`);
    expect(xml).toContain('<t:Body BodyType="HTML">&lt;p&gt;agenda &amp; notes&lt;/p&gt;</t:Body>');
    expect(xml).toContain(
      '<t:Organizer><t:Mailbox><t:Name>Alice</t:Name><t:EmailAddress>alice@parley.test</t:EmailAddress><t:RoutingType>SMTP</t:RoutingType><t:MailboxType>Mailbox</t:MailboxType></t:Mailbox></t:Organizer>',
    );
    expect(xml).toContain('<t:MyResponseType>Organizer</t:MyResponseType>');
    expect(xml).toContain(
      '<t:DeletedOccurrences><t:DeletedOccurrence><t:Start>2031-03-05T09:00:00Z</t:Start></t:DeletedOccurrence></t:DeletedOccurrences>',
    );
    expect(xml).toContain(
      '<t:StartTimeZone Id="UTC" Name="(UTC+00:00) Etc/UTC"><t:Periods><t:Period Bias="PT0H" Name="Standard" Id="trule:Parley/UTC/Standard"/></t:Periods>',
    );
  });

  it('writes an attendee copy of a meeting as Exchange does: UID first, cancelled, its owner’s response (golden)', async () => {
    const copy = view({
      mailbox: 'bob@parley.test',
      isMeeting: true,
      isCancelled: true,
      myResponseType: 'NoResponseReceived',
      meetingUid: 'uid-1',
      legacyFreeBusyStatus: 'Free',
      recurrence: null,
      itemType: 'Single',
      deletedOccurrences: [],
    });
    const calendar = fakeCalendar({ find: jest.fn(async () => ({ items: [copy], totalItemsInView: 1, includesLastItemInRange: true })) });
    const shape =
      '<t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties><t:FieldURI FieldURI="calendar:MyResponseType"/><t:FieldURI FieldURI="calendar:IsCancelled"/><t:FieldURI FieldURI="calendar:IsMeeting"/>' +
      '<t:FieldURI FieldURI="calendar:AppointmentState"/><t:FieldURI FieldURI="calendar:Start"/><t:FieldURI FieldURI="calendar:UID"/></t:AdditionalProperties>';
    const xml = bodyXml(await new FindItemHandler(calendar, access).handle(context(find(shape), { caller: bob })));
    expect(xml).toContain(
      '<t:CalendarItem><t:ItemId Id="AAMkSeries1" ChangeKey="CK1"/><t:UID>uid-1</t:UID><t:Start>2031-03-03T09:00:00Z</t:Start><t:IsMeeting>true</t:IsMeeting><t:IsCancelled>true</t:IsCancelled>' +
        '<t:MyResponseType>NoResponseReceived</t:MyResponseType><t:AppointmentState>7</t:AppointmentState></t:CalendarItem>',
    );
  });

  it('derives meeting state from the attendee lists for views that lack it', async () => {
    const calendar = fakeCalendar({ find: jest.fn(async () => ({ items: [view()], totalItemsInView: 1, includesLastItemInRange: true })) });
    const shape =
      '<t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties><t:FieldURI FieldURI="calendar:UID"/><t:FieldURI FieldURI="calendar:IsMeeting"/><t:FieldURI FieldURI="calendar:IsCancelled"/><t:FieldURI FieldURI="calendar:AppointmentState"/></t:AdditionalProperties>';
    const xml = bodyXml(await new FindItemHandler(calendar, access).handle(context(find(shape))));
    expect(xml).toContain(
      '<t:ItemId Id="AAMkSeries1" ChangeKey="CK1"/><t:IsMeeting>true</t:IsMeeting><t:IsCancelled>false</t:IsCancelled><t:AppointmentState>1</t:AppointmentState></t:CalendarItem>',
    );
  });

  it('answers other folders with an empty view, and paging of the calendar with a per-folder error', async () => {
    const calendar = fakeCalendar();
    const handler = new FindItemHandler(calendar, access);
    const inbox = bodyXml(
      await handler.handle(context(find('<t:BaseShape>IdOnly</t:BaseShape>', '<t:DistinguishedFolderId Id="inbox"/>'))),
    );
    expect(inbox).toContain('<m:RootFolder TotalItemsInView="0" IncludesLastItemInRange="true"><t:Items/></m:RootFolder>');
    const paged = bodyXml(
      await handler.handle(
        context(
          find(
            '<t:BaseShape>IdOnly</t:BaseShape>',
            undefined,
            '<m:IndexedPageItemView MaxEntriesReturned="10" Offset="0" BasePoint="Beginning"/>',
          ),
        ),
      ),
    );
    expect(paged).toContain('<m:ResponseCode>ErrorInvalidOperation</m:ResponseCode>');
    const foreign = bodyXml(
      await handler.handle(
        context(
          find(
            '<t:BaseShape>IdOnly</t:BaseShape>',
            '<t:DistinguishedFolderId Id="calendar"><t:Mailbox><t:EmailAddress>alice@parley.test</t:EmailAddress></t:Mailbox></t:DistinguishedFolderId>',
          ),
          { caller: bob },
        ),
      ),
    );
    expect(foreign).toContain('<m:ResponseCode>ErrorAccessDenied</m:ResponseCode>');
    expect(calendar.find).not.toHaveBeenCalled();
  });
});

describe('GetItem', () => {
  const get = (ids: string) =>
    `<m:GetItem><m:ItemShape><t:BaseShape>Default</t:BaseShape></m:ItemShape><m:ItemIds>${ids}</m:ItemIds></m:GetItem>`;

  it('resolves ItemId, OccurrenceItemId and RecurringMasterItemId, one message each', async () => {
    const calendar = fakeCalendar();
    const xml = bodyXml(
      await new GetItemHandler(calendar, access).handle(
        context(
          get(
            '<t:ItemId Id="AAMkOcc1"/><t:OccurrenceItemId RecurringMasterId="AAMkSeries1" InstanceIndex="3"/><t:RecurringMasterItemId OccurrenceId="AAMkOcc1"/>',
          ),
        ),
      ),
    );
    expect(calendar.get.mock.calls.map((c: unknown[]) => c[1])).toEqual([
      { by: 'id', itemId: 'AAMkOcc1' },
      { by: 'occurrenceIndex', seriesId: 'AAMkSeries1', index: 3 },
      { by: 'recurringMaster', occurrenceId: 'AAMkOcc1' },
    ]);
    expect(xml.match(/<m:GetItemResponseMessage ResponseClass="Success">/g)).toHaveLength(3);
    expect(xml).toContain(
      '<m:Items><t:CalendarItem><t:ItemId Id="AAMkSeries1" ChangeKey="CK1"/>' +
        `<t:ParentFolderId Id="${calendarFolder.id}" ChangeKey="${calendarFolder.changeKey}"/><t:ItemClass>IPM.Appointment</t:ItemClass><t:Subject>Team sync</t:Subject><t:Sensitivity>Normal</t:Sensitivity><t:HasAttachments>false</t:HasAttachments>` +
        '<t:Start>2031-03-03T09:00:00Z</t:Start><t:End>2031-03-03T10:00:00Z</t:End><t:IsAllDayEvent>false</t:IsAllDayEvent><t:LegacyFreeBusyStatus>Busy</t:LegacyFreeBusyStatus><t:Location>Room 1</t:Location>' +
        '<t:IsRecurring>true</t:IsRecurring><t:CalendarItemType>RecurringMaster</t:CalendarItemType><t:MyResponseType>Organizer</t:MyResponseType><t:Organizer>',
    );
  });

  describe('occurrence summary of a series master', () => {
    const at = (day: number, hour: number) => new Date(Date.UTC(2031, 2, day, hour)).toISOString();
    const info = (id: string, day: number, hour = 9) => ({ id, start: at(day, hour), end: at(day, hour + 1), originalStart: at(day, 9) });
    const occurrences = { first: info('AAMkOcc1', 3), last: info('AAMkOcc6', 19), modified: [info('AAMkOcc3', 10, 14)] };
    const getWith = (shape: string, item: CalendarItemView) =>
      new GetItemHandler(fakeCalendar({ get: jest.fn(async () => item) }), access).handle(
        context(`<m:GetItem><m:ItemShape>${shape}</m:ItemShape><m:ItemIds><t:ItemId Id="AAMkSeries1"/></m:ItemIds></m:GetItem>`),
      );
    const occurrenceInfo = (local: string, id: string, start: string, end: string, originalStart: string) =>
      `<t:${local}><t:ItemId Id="${id}" ChangeKey="CK1"/><t:Start>${start}</t:Start><t:End>${end}</t:End><t:OriginalStart>${originalStart}</t:OriginalStart></t:${local}>`;
    const summaryXml =
      occurrenceInfo('FirstOccurrence', 'AAMkOcc1', '2031-03-03T09:00:00Z', '2031-03-03T10:00:00Z', '2031-03-03T09:00:00Z') +
      occurrenceInfo('LastOccurrence', 'AAMkOcc6', '2031-03-19T09:00:00Z', '2031-03-19T10:00:00Z', '2031-03-19T09:00:00Z') +
      `<t:ModifiedOccurrences>${occurrenceInfo('Occurrence', 'AAMkOcc3', '2031-03-10T14:00:00Z', '2031-03-10T15:00:00Z', '2031-03-10T09:00:00Z')}</t:ModifiedOccurrences>`;

    it('writes FirstOccurrence, LastOccurrence and ModifiedOccurrences between Recurrence and DeletedOccurrences with AllProperties (golden)', async () => {
      const xml = bodyXml(await getWith('<t:BaseShape>AllProperties</t:BaseShape>', view({ occurrences })));
      expect(xml).toContain(
        '<t:NumberOfOccurrences>6</t:NumberOfOccurrences></t:NumberedRecurrence></t:Recurrence>' +
          summaryXml +
          '<t:DeletedOccurrences><t:DeletedOccurrence><t:Start>2031-03-05T09:00:00Z</t:Start></t:DeletedOccurrence></t:DeletedOccurrences><t:StartTimeZone ',
      );
    });

    it('writes them when AdditionalProperties name them, in schema order, and not with the Default shape', async () => {
      const additional =
        '<t:AdditionalProperties><t:FieldURI FieldURI="calendar:ModifiedOccurrences"/><t:FieldURI FieldURI="calendar:LastOccurrence"/><t:FieldURI FieldURI="calendar:FirstOccurrence"/></t:AdditionalProperties>';
      const xml = bodyXml(await getWith(`<t:BaseShape>IdOnly</t:BaseShape>${additional}`, view({ occurrences })));
      expect(xml).toContain(
        `<m:Items><t:CalendarItem><t:ItemId Id="AAMkSeries1" ChangeKey="CK1"/>${summaryXml}</t:CalendarItem></m:Items>`,
      );
      expect(bodyXml(await getWith('<t:BaseShape>Default</t:BaseShape>', view({ occurrences })))).not.toContain('Occurrence>');
    });

    it('leaves out LastOccurrence for a series without end, an empty ModifiedOccurrences, and all of them without a summary or off a master', async () => {
      const all = '<t:BaseShape>AllProperties</t:BaseShape>';
      const endless = bodyXml(await getWith(all, view({ occurrences: { first: occurrences.first, last: null, modified: [] } })));
      expect(endless).toContain('<t:FirstOccurrence>');
      expect(endless).not.toMatch(/<t:(LastOccurrence|ModifiedOccurrences)>/);
      for (const item of [
        view(),
        view({ occurrences: null }),
        view({ itemType: 'Occurrence', recurrence: null, deletedOccurrences: [], occurrences }),
      ]) {
        expect(bodyXml(await getWith(all, item))).not.toMatch(/<t:(FirstOccurrence|LastOccurrence|ModifiedOccurrences)>/);
      }
    });
  });

  it('maps a missing occurrence by index to ErrorCalendarOccurrenceIndexIsOutOfRecurrenceRange, and by id to ErrorItemNotFound', async () => {
    const calendar = fakeCalendar({
      get: jest.fn(async () =>
        Promise.reject(new CommandRefusedError(Topics.calendarItemGetRequest, CommandErrorCodes.occurrenceNotFound, 'gone')),
      ),
    });
    const xml = bodyXml(
      await new GetItemHandler(calendar, access).handle(
        context(get('<t:OccurrenceItemId RecurringMasterId="S" InstanceIndex="99"/><t:ItemId Id="O"/><t:ItemId Id=""/>')),
      ),
    );
    expect([...xml.matchAll(/<m:ResponseCode>(\w+)<\/m:ResponseCode>/g)].map((m) => m[1])).toEqual([
      'ErrorCalendarOccurrenceIndexIsOutOfRecurrenceRange',
      'ErrorItemNotFound',
      'ErrorInvalidIdEmpty',
    ]);
  });
});

describe('UpdateItem', () => {
  const update = (id: string, updates: string, resolution = 'NeverOverwrite') =>
    `<m:UpdateItem ConflictResolution="${resolution}" SendMeetingInvitationsOrCancellations="SendToNone"><m:ItemChanges><t:ItemChange>${id}<t:Updates>${updates}</t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>`;
  const setSubject =
    '<t:SetItemField><t:FieldURI FieldURI="item:Subject"/><t:CalendarItem><t:Subject>New</t:Subject></t:CalendarItem></t:SetItemField>';

  it('sends set and deleted fields with the change key, and answers the new ItemId and ConflictResults (golden)', async () => {
    const calendar = fakeCalendar();
    const updates =
      setSubject +
      '<t:SetItemField><t:FieldURI FieldURI="calendar:Start"/><t:CalendarItem><t:Start>2031-03-03T10:30:00</t:Start></t:CalendarItem></t:SetItemField><t:DeleteItemField><t:FieldURI FieldURI="calendar:Location"/></t:DeleteItemField>';
    const answer = await new UpdateItemHandler(calendar).handle(
      context(update('<t:ItemId Id="AAMkSeries1" ChangeKey="CK1"/>', updates), { header: berlin }),
    );
    expect(calendar.update).toHaveBeenCalledWith('alice@parley.test', {
      itemId: 'AAMkSeries1',
      changeKey: 'CK1',
      conflictResolution: 'NeverOverwrite',
      set: { subject: 'New', start: '2031-03-03T09:30:00.000Z' },
      delete: ['location'],
      sendMeetingInvitationsOrCancellations: 'SendToNone',
    });
    expect(bodyXml(answer)).toBe(
      '<m:UpdateItemResponse><m:ResponseMessages><m:UpdateItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>' +
        '<m:Items><t:CalendarItem><t:ItemId Id="AAMkSeries1" ChangeKey="CK2"/></t:CalendarItem></m:Items><m:ConflictResults><t:Count>0</t:Count></m:ConflictResults>' +
        '</m:UpdateItemResponseMessage></m:ResponseMessages></m:UpdateItemResponse>',
    );
  });

  it('passes SendMeetingInvitationsOrCancellations on, SendToNone without it', async () => {
    const calendar = fakeCalendar();
    const id = '<t:ItemId Id="AAMkSeries1"/>';
    await new UpdateItemHandler(calendar).handle(context(update(id, setSubject).replace('SendToNone', 'SendToChangedAndSaveCopy')));
    await new UpdateItemHandler(calendar).handle(
      context(update(id, setSubject).replace(' SendMeetingInvitationsOrCancellations="SendToNone"', '')),
    );
    expect(
      calendar.update.mock.calls.map(
        (c: unknown[]) => (c[1] as { sendMeetingInvitationsOrCancellations: string }).sendMeetingInvitationsOrCancellations,
      ),
    ).toEqual(['SendToChangedAndSaveCopy', 'SendToNone']);
  });

  it('answers a stale change key with ErrorIrresolvableConflict', async () => {
    const calendar = fakeCalendar({
      update: jest.fn(async () =>
        Promise.reject(new CommandRefusedError(Topics.calendarItemUpdateRequest, CommandErrorCodes.conflict, 'stale')),
      ),
    });
    const xml = bodyXml(
      await new UpdateItemHandler(calendar).handle(context(update('<t:ItemId Id="AAMkSeries1" ChangeKey="old"/>', setSubject))),
    );
    expect(xml).toContain('<m:ResponseCode>ErrorIrresolvableConflict</m:ResponseCode>');
  });

  it('appends attendees to the current list, and updates an occurrence named by index', async () => {
    const calendar = fakeCalendar({ get: jest.fn(async () => view({ id: 'AAMkOcc3' })) });
    const append =
      '<t:AppendToItemField><t:FieldURI FieldURI="calendar:RequiredAttendees"/><t:CalendarItem><t:RequiredAttendees><t:Attendee><t:Mailbox><t:EmailAddress>carol@parley.test</t:EmailAddress></t:Mailbox></t:Attendee></t:RequiredAttendees></t:CalendarItem></t:AppendToItemField>';
    await new UpdateItemHandler(calendar).handle(
      context(update('<t:OccurrenceItemId RecurringMasterId="AAMkSeries1" InstanceIndex="3"/>', append, 'AutoResolve')),
    );
    expect(calendar.get).toHaveBeenCalledWith('alice@parley.test', { by: 'occurrenceIndex', seriesId: 'AAMkSeries1', index: 3 });
    expect(calendar.update.mock.calls[0][1]).toMatchObject({
      itemId: 'AAMkOcc3',
      conflictResolution: 'AutoResolve',
      set: { requiredAttendees: [{ address: 'bob@parley.test' }, { address: 'carol@parley.test' }] },
    });
  });

  it.each([
    [
      'a field Parley cannot set',
      '<t:SetItemField><t:FieldURI FieldURI="item:Categories"/><t:CalendarItem/></t:SetItemField>',
      'ErrorInvalidPropertySet',
    ],
    [
      'deleting a required field',
      '<t:DeleteItemField><t:FieldURI FieldURI="calendar:Start"/></t:DeleteItemField>',
      'ErrorInvalidPropertyDelete',
    ],
    [
      'appending to the subject',
      '<t:AppendToItemField><t:FieldURI FieldURI="item:Subject"/><t:CalendarItem><t:Subject>x</t:Subject></t:CalendarItem></t:AppendToItemField>',
      'ErrorInvalidPropertySet',
    ],
  ])('refuses %s per item', (_, updates, code) => {
    const req = context(update('<t:ItemId Id="X"/>', updates)).request;
    const updatesEl = req.body.children[0].children[0].children[1];
    expect(() => readItemChange(updatesEl, undefined)).toThrow(expect.objectContaining({ responseCode: code }));
  });
});

describe('DeleteItem', () => {
  it('deletes by id, resolves OccurrenceItemId first, and answers one message per id', async () => {
    const calendar = fakeCalendar({ get: jest.fn(async () => view({ id: 'AAMkOcc2' })) });
    const xml = bodyXml(
      await new DeleteItemHandler(calendar).handle(
        context(
          '<m:DeleteItem DeleteType="MoveToDeletedItems" SendMeetingCancellations="SendToAllAndSaveCopy"><m:ItemIds><t:ItemId Id="AAMkSeries1"/><t:OccurrenceItemId RecurringMasterId="AAMkSeries1" InstanceIndex="2"/></m:ItemIds></m:DeleteItem>',
        ),
      ),
    );
    expect(calendar.delete.mock.calls).toEqual([
      ['alice@parley.test', 'AAMkSeries1', 'MoveToDeletedItems', 'SendToAllAndSaveCopy'],
      ['alice@parley.test', 'AAMkOcc2', 'MoveToDeletedItems', 'SendToAllAndSaveCopy'],
    ]);
    expect(xml).toBe(
      '<m:DeleteItemResponse><m:ResponseMessages>' +
        '<m:DeleteItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode></m:DeleteItemResponseMessage>'.repeat(
          2,
        ) +
        '</m:ResponseMessages></m:DeleteItemResponse>',
    );
  });

  it.each([
    ['HardDelete', 'HardDelete'],
    // No dumpster in Parley: SoftDelete removes the item as HardDelete does.
    ['SoftDelete', 'HardDelete'],
    ['MoveToDeletedItems', 'MoveToDeletedItems'],
  ])('sends DeleteType %s to calendar-sync as %s', async (deleteType, disposal) => {
    const calendar = fakeCalendar();
    await new DeleteItemHandler(calendar).handle(
      context(
        `<m:DeleteItem DeleteType="${deleteType}" SendMeetingCancellations="SendToNone"><m:ItemIds><t:ItemId Id="AAMkSeries1"/></m:ItemIds></m:DeleteItem>`,
      ),
    );
    expect(calendar.delete).toHaveBeenCalledWith('alice@parley.test', 'AAMkSeries1', disposal, 'SendToNone');
  });

  it('names Deleted Items as the ParentFolderId of an item moved there', async () => {
    const calendar = fakeCalendar({ get: jest.fn(async () => view({ folder: 'deleteditems' })) });
    const deletedItems = folderIds.identity('alice@parley.test', 'deleteditems');
    const xml = bodyXml(
      await new GetItemHandler(calendar, access).handle(
        context(
          '<m:GetItem><m:ItemShape><t:BaseShape>Default</t:BaseShape></m:ItemShape><m:ItemIds><t:ItemId Id="AAMkSeries1"/></m:ItemIds></m:GetItem>',
        ),
      ),
    );
    expect(xml).toContain(`<t:ParentFolderId Id="${deletedItems.id}" ChangeKey="${deletedItems.changeKey}"/>`);
    expect(xml).not.toContain(calendarFolder.id);
  });

  it('refuses an unknown DeleteType as a schema error', async () => {
    await expect(
      new DeleteItemHandler(fakeCalendar()).handle(
        context('<m:DeleteItem DeleteType="Shred"><m:ItemIds><t:ItemId Id="A"/></m:ItemIds></m:DeleteItem>'),
      ),
    ).rejects.toMatchObject({ responseCode: 'ErrorSchemaValidation' });
  });
});
