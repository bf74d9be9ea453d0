import { createCalendarItemRequestSchema, freeBusyRequestSchema, replyTopicOf, Topics, updateCalendarItemRequestSchema } from '../index';

describe('calendar contracts', () => {
  const item = { start: '2026-03-16T08:00:00Z', end: '2026-03-16T09:00:00Z' };

  it('fills EWS defaults on create and lower-cases addresses', () => {
    const parsed = createCalendarItemRequestSchema.parse({ mailbox: 'Alice@Example.com', item: { ...item, requiredAttendees: [{ address: 'Bob@Example.com' }] } });
    expect(parsed.mailbox).toBe('alice@example.com');
    expect(parsed.item).toMatchObject({ subject: '', isAllDay: false, legacyFreeBusyStatus: 'Busy', sensitivity: 'Normal', startTimeZone: 'UTC', recurrence: null });
    expect(parsed.item.requiredAttendees).toEqual([{ address: 'bob@example.com', responseType: 'Unknown' }]);
  });

  it.each([
    ['an end before the start', { ...item, end: '2026-03-16T07:00:00Z' }],
    ['a weekly rule without days', { ...item, recurrence: { pattern: { type: 'Weekly', interval: 1, daysOfWeek: [] }, range: { type: 'NoEnd', startDate: '2026-03-16' } } }],
    ['a range that ends before it starts', { ...item, recurrence: { pattern: { type: 'Daily', interval: 1 }, range: { type: 'EndDate', startDate: '2026-03-16', endDate: '2026-03-01' } } }],
    ['a time without a zone', { ...item, start: '2026-03-16T08:00:00' }],
  ])('refuses %s', (_label, bad) => {
    expect(createCalendarItemRequestSchema.safeParse({ mailbox: 'a@example.com', item: bad }).success).toBe(false);
  });

  it('defaults updates to AutoResolve and free/busy to 30-minute DetailedMerged', () => {
    expect(updateCalendarItemRequestSchema.parse({ mailbox: 'a@example.com', itemId: 'x' })).toMatchObject({ conflictResolution: 'AutoResolve', set: {}, delete: [] });
    expect(freeBusyRequestSchema.parse({ mailboxes: ['a@example.com'], start: item.start, end: item.end })).toMatchObject({ mergedIntervalMinutes: 30, requestedView: 'DetailedMerged' });
  });

  it('names its topics by the rules, with reply topics', () => {
    expect(replyTopicOf(Topics.calendarItemFindRequest)).toBe('calendar.item.find.reply.v1');
    expect(Topics.calendarItemChanged).toBe('calendar.item.changed.v1');
  });
});
