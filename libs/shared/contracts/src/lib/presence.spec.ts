import { BLOCKED_WATCHERS_HARD_LIMIT, presenceChangedSchema } from '../index';

describe('presenceChangedSchema', () => {
  const event = {
    mailbox: 'anna@example.com',
    sequence: 7,
    availability: 6500,
    activity: null,
    note: null,
    oof: false,
    view: {
      availability: 6500,
      token: 'busy',
      activity: null,
      note: null,
      oof: false,
      calendar: null,
      lastActiveAt: null,
      driver: 'user-state',
      messageWaiting: { newMessages: 0, oldMessages: 0 },
      endpoints: [],
    },
    blockedWatchers: [
      { watcher: 'carl@example.com', since: 7 },
      { watcher: 'eve@example.com', since: 3 },
    ],
  };

  it('accepts blocked watchers, each with the sequence that carried its block', () => {
    expect(presenceChangedSchema.parse(event)).toEqual(event);
  });

  it.each([
    ['a bare address (the list before blocks carried their sequence)', ['carl@example.com']],
    ['a block younger than the event', [{ watcher: 'carl@example.com', since: 8 }]],
    ['a since of zero', [{ watcher: 'carl@example.com', since: 0 }]],
    ['a watcher that is not an address', [{ watcher: 'carl', since: 1 }]],
    [
      'more watchers than any event may list',
      Array.from({ length: BLOCKED_WATCHERS_HARD_LIMIT + 1 }, (_, i) => ({ watcher: `w${i}@example.com`, since: 1 })),
    ],
  ])('refuses %s', (_label, blockedWatchers) => {
    expect(presenceChangedSchema.safeParse({ ...event, blockedWatchers }).success).toBe(false);
  });
});
