import {
  calendarItemChangedSchema,
  calendarItemViewSchema,
  createCalendarItemRequestSchema,
  deleteCalendarItemRequestSchema,
  freeBusyRequestSchema,
  freeBusyViewSchema,
  replyTopicOf,
  Topics,
  updateCalendarItemRequestSchema,
  workingHoursSchema,
} from '../index';

describe('calendar contracts', () => {
  const item = { start: '2026-03-16T08:00:00Z', end: '2026-03-16T09:00:00Z' };

  it('fills EWS defaults on create and lower-cases addresses', () => {
    const parsed = createCalendarItemRequestSchema.parse({
      mailbox: 'Alice@Example.com',
      item: { ...item, requiredAttendees: [{ address: 'Bob@Example.com' }] },
    });
    expect(parsed.mailbox).toBe('alice@example.com');
    expect(parsed.item).toMatchObject({
      subject: '',
      isAllDay: false,
      legacyFreeBusyStatus: 'Busy',
      sensitivity: 'Normal',
      startTimeZone: 'UTC',
      recurrence: null,
    });
    expect(parsed.item.requiredAttendees).toEqual([{ address: 'bob@example.com', responseType: 'Unknown' }]);
  });

  it.each([
    ['an end before the start', { ...item, end: '2026-03-16T07:00:00Z' }],
    [
      'a weekly rule without days',
      {
        ...item,
        recurrence: { pattern: { type: 'Weekly', interval: 1, daysOfWeek: [] }, range: { type: 'NoEnd', startDate: '2026-03-16' } },
      },
    ],
    [
      'a range that ends before it starts',
      {
        ...item,
        recurrence: { pattern: { type: 'Daily', interval: 1 }, range: { type: 'EndDate', startDate: '2026-03-16', endDate: '2026-03-01' } },
      },
    ],
    ['a time without a zone', { ...item, start: '2026-03-16T08:00:00' }],
  ])('refuses %s', (_label, bad) => {
    expect(createCalendarItemRequestSchema.safeParse({ mailbox: 'a@example.com', item: bad }).success).toBe(false);
  });

  it('defaults updates to AutoResolve and free/busy to 30-minute DetailedMerged', () => {
    expect(updateCalendarItemRequestSchema.parse({ mailbox: 'a@example.com', itemId: 'x' })).toMatchObject({
      conflictResolution: 'AutoResolve',
      set: {},
      delete: [],
    });
    expect(freeBusyRequestSchema.parse({ mailboxes: ['a@example.com'], start: item.start, end: item.end })).toMatchObject({
      mergedIntervalMinutes: 30,
      requestedView: 'DetailedMerged',
    });
  });

  it('reads a command without a meeting send mode as SendToNone (what senders from before meant), and refuses an unknown one', () => {
    expect(createCalendarItemRequestSchema.parse({ mailbox: 'a@example.com', item }).sendMeetingInvitations).toBe('SendToNone');
    expect(updateCalendarItemRequestSchema.parse({ mailbox: 'a@example.com', itemId: 'x' }).sendMeetingInvitationsOrCancellations).toBe(
      'SendToNone',
    );
    expect(deleteCalendarItemRequestSchema.parse({ mailbox: 'a@example.com', itemId: 'x' }).sendMeetingCancellations).toBe('SendToNone');
    expect(
      updateCalendarItemRequestSchema.parse({
        mailbox: 'a@example.com',
        itemId: 'x',
        sendMeetingInvitationsOrCancellations: 'SendOnlyToChanged',
      }).sendMeetingInvitationsOrCancellations,
    ).toBe('SendOnlyToChanged');
    expect(
      deleteCalendarItemRequestSchema.safeParse({ mailbox: 'a@example.com', itemId: 'x', sendMeetingCancellations: 'SendOnlyToChanged' })
        .success,
    ).toBe(false);
  });

  it('names its topics by the rules, with reply topics', () => {
    expect(replyTopicOf(Topics.calendarItemFindRequest)).toBe('calendar.item.find.reply.v1');
    expect(Topics.calendarItemChanged).toBe('calendar.item.changed.v1');
  });

  describe('working hours', () => {
    const nineToFive = {
      timeZone: 'W. Europe Standard Time',
      days: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'],
      startMinutes: 540,
      endMinutes: 1020,
    };

    it('accepts a span on some weekdays, up to midnight', () => {
      expect(workingHoursSchema.parse(nineToFive)).toEqual(nineToFive);
      expect(workingHoursSchema.safeParse({ ...nineToFive, days: ['Saturday'], startMinutes: 0, endMinutes: 1440 }).success).toBe(true);
    });

    it.each([
      ['no days', { ...nineToFive, days: [] }],
      ['a day twice', { ...nineToFive, days: ['Monday', 'Monday'] }],
      ['a composite day', { ...nineToFive, days: ['Weekday'] }],
      ['an end before the start', { ...nineToFive, startMinutes: 1020, endMinutes: 540 }],
      ['an empty span', { ...nineToFive, endMinutes: 540 }],
      ['a minute past midnight', { ...nineToFive, endMinutes: 1441 }],
      ['fractional minutes', { ...nineToFive, startMinutes: 540.5 }],
      ['no time zone', { ...nineToFive, timeZone: ' ' }],
    ])('refuses %s', (_label, bad) => {
      expect(workingHoursSchema.safeParse(bad).success).toBe(false);
    });

    it('is carried by a free/busy view, or null where the view has none', () => {
      const view = { viewType: 'FreeBusy', mergedFreeBusy: null, calendarEvents: [] };
      expect(freeBusyViewSchema.parse({ ...view, workingHours: nineToFive }).workingHours).toEqual(nineToFive);
      expect(freeBusyViewSchema.parse({ ...view, workingHours: null }).workingHours).toBeNull();
      expect(freeBusyViewSchema.safeParse({ ...view, workingHours: { ...nineToFive, days: [] } }).success).toBe(false);
    });
  });

  describe('occurrence summary of a series master', () => {
    const master = {
      id: 'series-id',
      changeKey: 'ck',
      mailbox: 'alice@example.com',
      itemType: 'RecurringMaster',
      subject: 'Stand-up',
      body: null,
      location: null,
      start: '2026-03-16T08:00:00.000Z',
      end: '2026-03-16T08:15:00.000Z',
      isAllDay: false,
      legacyFreeBusyStatus: 'Busy',
      sensitivity: 'Normal',
      organizer: { address: 'alice@example.com', responseType: 'Organizer' },
      requiredAttendees: [],
      optionalAttendees: [],
      startTimeZone: 'UTC',
      endTimeZone: 'UTC',
      recurrence: { pattern: { type: 'Daily', interval: 1 }, range: { type: 'NoEnd', startDate: '2026-03-16' } },
      modifiedOccurrences: [],
      deletedOccurrences: [],
      occurrence: null,
      firstOccurrence: null,
      lastOccurrence: null,
      revision: 1,
      createdAt: '2026-03-01T00:00:00.000Z',
      lastModifiedAt: '2026-03-01T00:00:00.000Z',
    };
    const info = (day: number) => ({
      id: `occurrence-${day}`,
      start: `2026-03-${day}T09:00:00.000Z`,
      end: `2026-03-${day}T09:15:00.000Z`,
      originalStart: `2026-03-${day}T08:00:00.000Z`,
    });

    it('carries first, last and modified occurrences with their own ids, and a null last for a series without end', () => {
      const occurrences = { first: info(16), last: info(20), modified: [info(18)] };
      expect(calendarItemViewSchema.parse({ ...master, occurrences }).occurrences).toEqual(occurrences);
      expect(
        calendarItemViewSchema.parse({ ...master, occurrences: { first: info(16), last: null, modified: [] } }).occurrences?.last,
      ).toBeNull();
      expect(calendarItemViewSchema.parse({ ...master, occurrences: null }).occurrences).toBeNull();
    });

    it('is optional, so views published before it existed still validate', () => {
      expect(calendarItemViewSchema.parse(master).occurrences).toBeUndefined();
      expect(
        calendarItemChangedSchema.safeParse({
          mailbox: 'alice@example.com',
          change: 'created',
          itemId: 'series-id',
          originalStart: null,
          changeKey: 'ck',
          revision: 1,
          item: master,
        }).success,
      ).toBe(true);
    });

    it.each([
      ['an occurrence without id', { first: { ...info(16), id: undefined }, last: null, modified: [] }],
      ['a start without offset', { first: { ...info(16), start: '2026-03-16T09:00:00' }, last: null, modified: [] }],
      ['no modified list', { first: info(16), last: null }],
    ])('refuses %s', (_label, occurrences) => {
      expect(calendarItemViewSchema.safeParse({ ...master, occurrences }).success).toBe(false);
    });
  });
});
