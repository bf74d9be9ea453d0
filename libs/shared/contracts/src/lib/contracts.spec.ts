import { allTopics, envelopeSchema, oofSettingsSchema, replyTopicOf, requestTopicsSentBy, setOofRequestSchema, Topics } from '../index';

describe('topics', () => {
  it('maps request topics to reply topics and refuses anything else', () => {
    expect(replyTopicOf(Topics.oofSetRequest)).toBe('calendar.oof.set.reply.v1');
    expect(() => replyTopicOf(Topics.oofChanged)).toThrow(/not a request topic/);
  });

  it('lists every topic with its reply topics, each once', () => {
    const topics = allTopics();
    expect(topics).toContain('calendar.oof.get.reply.v1');
    expect(topics).toContain(Topics.presenceChanged);
    expect(new Set(topics).size).toBe(topics.length);
    for (const t of topics) expect(t).toMatch(/^[a-z-]+(\.[a-z-]+)+\.v\d+$/);
  });
});

describe('envelope', () => {
  const valid = {
    id: '4b0f3c52-6a44-4a8e-9f73-3f1de1d3c2a1',
    type: Topics.oofChanged,
    version: 1,
    occurredAt: '2026-11-23T10:00:00.000Z',
    key: 'alice@example.com',
    correlationId: 'req-1',
    payload: { any: 'thing' },
  };

  it('accepts a well-formed envelope', () => {
    expect(envelopeSchema.parse(valid)).toEqual(valid);
  });

  it.each([
    ['a non-uuid id', { id: 'nope' }],
    ['a zero version', { version: 0 }],
    ['a date without zone', { occurredAt: '2026-11-23T10:00:00' }],
    ['an empty key', { key: '' }],
  ])('rejects %s', (_label, patch) => {
    expect(envelopeSchema.safeParse({ ...valid, ...patch }).success).toBe(false);
  });
});

describe('OOF settings', () => {
  const base = {
    state: 'Enabled',
    externalAudience: 'All',
    startTime: null,
    endTime: null,
    internalReply: 'away',
    externalReply: '',
  } as const;

  it('lower-cases the mailbox key', () => {
    expect(setOofRequestSchema.parse({ mailbox: 'Alice@Example.COM', settings: base }).mailbox).toBe('alice@example.com');
  });

  it('requires a window for Scheduled, in order', () => {
    expect(oofSettingsSchema.safeParse({ ...base, state: 'Scheduled' }).success).toBe(false);
    expect(
      oofSettingsSchema.safeParse({ ...base, state: 'Scheduled', startTime: '2026-11-24T00:00:00Z', endTime: '2026-11-23T00:00:00Z' })
        .success,
    ).toBe(false);
    expect(
      oofSettingsSchema.safeParse({ ...base, state: 'Scheduled', startTime: '2026-11-23T00:00:00Z', endTime: '2026-11-24T00:00:00Z' })
        .success,
    ).toBe(true);
  });

  it('rejects unknown states and audiences', () => {
    expect(oofSettingsSchema.safeParse({ ...base, state: 'On' }).success).toBe(false);
    expect(oofSettingsSchema.safeParse({ ...base, externalAudience: 'Everyone' }).success).toBe(false);
  });
});

describe('requestTopicsSentBy', () => {
  it("is every command a service's routes name it as the sender of, to whichever owner", () => {
    const gateway = requestTopicsSentBy('ews-gateway');
    expect(gateway).toEqual(
      expect.arrayContaining([
        Topics.oofGetRequest,
        Topics.calendarTaskFindRequest,
        Topics.mailboxMessageFindRequest,
        Topics.mailboxContentReadRequest,
      ]),
    );
    expect(gateway.every((t) => t.endsWith('.request.v1'))).toBe(true);
    expect(requestTopicsSentBy('voicemail-ingest')).toEqual([]);
  });
});
