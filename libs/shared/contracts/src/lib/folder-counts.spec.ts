import { folderCountsReplySchema, getFolderCountsRequestSchema, replyTopicOf, replySchema, requestTopics, Topics } from '../index';

describe('folder count contracts', () => {
  it('keys the query by the lower-cased mailbox', () => {
    expect(getFolderCountsRequestSchema.parse({ mailbox: 'Alice@Example.com' })).toEqual({ mailbox: 'alice@example.com' });
    expect(getFolderCountsRequestSchema.safeParse({}).success).toBe(false);
  });

  it('accepts only whole, non-negative counts in the reply', () => {
    const reply = replySchema(folderCountsReplySchema);
    expect(reply.parse({ ok: true, value: { calendarItems: 3, tasks: 0 } })).toEqual({ ok: true, value: { calendarItems: 3, tasks: 0 } });
    expect(reply.safeParse({ ok: true, value: { calendarItems: -1, tasks: 0 } }).success).toBe(false);
    expect(reply.safeParse({ ok: true, value: { calendarItems: 1.5, tasks: 0 } }).success).toBe(false);
    expect(reply.safeParse({ ok: true, value: { calendarItems: 1 } }).success).toBe(false);
    expect(reply.parse({ ok: false, error: { code: 'InvalidRequest', message: 'bad' } }).ok).toBe(false);
  });

  it('names its topic by the rules', () => {
    expect(Topics.calendarFolderCountsGetRequest).toBe('calendar.folder-counts.get.request.v1');
    expect(replyTopicOf(Topics.calendarFolderCountsGetRequest)).toBe('calendar.folder-counts.get.reply.v1');
    expect(requestTopics).toContain(Topics.calendarFolderCountsGetRequest);
  });
});
