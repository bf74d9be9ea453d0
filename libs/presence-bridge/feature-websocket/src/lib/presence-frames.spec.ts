import { offlineView, type WatcherView } from '@parley/presence-bridge/presence-engine';
import { PresenceFrames, sameJson } from './presence-frames';

const busy = (): WatcherView => ({
  availability: 6500,
  token: 'busy',
  activity: 'in-a-meeting',
  note: { kind: 'personal', text: 'back at 3' },
  oof: false,
  calendar: { state: 'in-a-meeting', until: '2026-12-03T15:00:00.000Z' },
  lastActiveAt: null,
});

describe('PresenceFrames', () => {
  it('serializes a change once for every watcher that sees the same view, object or equal copy', () => {
    const frames = new PresenceFrames();
    const shared = busy();
    const first = frames.presence({ mailbox: 'bob@x.test', sequence: 4, view: shared });
    expect(JSON.parse(first.toString())).toEqual({ type: 'presence', mailbox: 'bob@x.test', sequence: 4, presence: shared });
    expect(frames.presence({ mailbox: 'bob@x.test', sequence: 4, view: shared })).toBe(first);
    expect(frames.presence({ mailbox: 'bob@x.test', sequence: 4, view: busy() })).toBe(first);
  });

  it('keeps the distinct views of one change apart (a blocked watcher sees Offline)', () => {
    const frames = new PresenceFrames();
    const shared = frames.presence({ mailbox: 'bob@x.test', sequence: 4, view: busy() });
    const blocked = frames.presence({ mailbox: 'bob@x.test', sequence: 4, view: offlineView() });
    expect(blocked).not.toBe(shared);
    expect(JSON.parse(blocked.toString()).presence.token).toBe('offline');
    expect(frames.presence({ mailbox: 'bob@x.test', sequence: 4, view: offlineView() })).toBe(blocked);
    expect(frames.presence({ mailbox: 'bob@x.test', sequence: 4, view: busy() })).toBe(shared);
  });

  it('a new sequence is a new frame, even with an equal view; an older one never replaces the latest', () => {
    const frames = new PresenceFrames();
    const four = frames.presence({ mailbox: 'bob@x.test', sequence: 4, view: busy() });
    const five = frames.presence({ mailbox: 'bob@x.test', sequence: 5, view: busy() });
    expect(five).not.toBe(four);
    expect(JSON.parse(five.toString()).sequence).toBe(5);
    const late = frames.presence({ mailbox: 'bob@x.test', sequence: 4, view: busy() });
    expect(JSON.parse(late.toString()).sequence).toBe(4);
    expect(frames.presence({ mailbox: 'bob@x.test', sequence: 5, view: busy() })).toBe(five);
  });

  it('holds a bounded number of users', () => {
    const frames = new PresenceFrames();
    for (let i = 0; i < 5000; i++) frames.presence({ mailbox: `u${i}@x.test`, sequence: 1, view: busy() });
    expect(frames.size).toBe(4096);
  });
});

describe('sameJson', () => {
  it.each([
    [{ a: 1, b: [1, { c: null }] }, { a: 1, b: [1, { c: null }] }, true],
    [{ a: 1, b: undefined }, { a: 1 }, true],
    [{ a: 1, b: 2 }, { b: 2, a: 1 }, false],
    [{ a: [1, 2] }, { a: [1, 2, 3] }, false],
    [{ a: null }, { a: {} }, false],
    [{ a: '1' }, { a: 1 }, false],
    [[], {}, false],
  ])('%j vs %j: %s', (a, b, same) => {
    expect(sameJson(a, b)).toBe(same);
  });
});
