import type { FreeBusyReply, FreeBusyRequest } from '@parley/contracts';
import { FreeBusyCache } from './free-busy-cache';

const request = (over: Partial<FreeBusyRequest> = {}): FreeBusyRequest => ({
  requester: 'alice@parley.test',
  mailboxes: ['alice@parley.test', 'bob@parley.test'],
  start: '2031-07-01T00:00:00.000Z',
  end: '2031-07-02T00:00:00.000Z',
  mergedIntervalMinutes: 30,
  requestedView: 'DetailedMerged',
  ...over,
});

const reply = (events = 0): FreeBusyReply => ({
  results: [
    {
      mailbox: 'alice@parley.test',
      ok: true,
      view: {
        viewType: 'DetailedMerged',
        mergedFreeBusy: '0'.repeat(48),
        calendarEvents: Array.from({ length: events }, () => ({
          start: '2031-07-01T09:00:00.000Z',
          end: '2031-07-01T10:00:00.000Z',
          busyType: 'Busy' as const,
          details: null,
        })),
        workingHours: null,
      },
    },
  ],
});

function liveCache(ttlMs = 60_000, clock = { now: 0 }) {
  const cache = new FreeBusyCache({ ttlMs, maxEntries: 3, maxEventsPerEntry: 5, now: () => clock.now });
  cache.enable();
  return cache;
}

/** Asks the cache as the gateway does: get, else "fetch" and put. */
function ask(cache: FreeBusyCache, req: FreeBusyRequest, fetched: FreeBusyReply): FreeBusyReply {
  const ticket = cache.ticket(req);
  const hit = cache.get(ticket);
  if (hit) return hit;
  cache.put(ticket, req, fetched);
  return fetched;
}

describe('FreeBusyCache', () => {
  it('keeps nothing until the change feed is live', () => {
    const cache = new FreeBusyCache({ ttlMs: 60_000, maxEntries: 10, maxEventsPerEntry: 10 });
    const t = cache.ticket(request());
    cache.put(t, request(), reply());
    expect(cache.get(t)).toBeUndefined();
    cache.enable();
    cache.put(t, request(), reply());
    expect(cache.get(t)).toEqual(reply());
  });

  it('reuses an answer only for the very same query, requester included', () => {
    const cache = liveCache();
    const first = reply();
    ask(cache, request(), first);
    expect(ask(cache, request(), reply())).toBe(first);
    for (const other of [
      { requester: 'bob@parley.test' },
      { end: '2031-07-03T00:00:00.000Z' },
      { requestedView: 'FreeBusy' as const },
      { mergedIntervalMinutes: 15 },
      { mailboxes: ['bob@parley.test', 'alice@parley.test'] },
    ]) {
      expect(cache.get(cache.ticket(request(other)))).toBeUndefined();
    }
  });

  it('forgets every answer covering a mailbox when it changes (any case), and only those', () => {
    const cache = liveCache();
    ask(cache, request(), reply());
    ask(cache, request({ mailboxes: ['carol@parley.test'] }), reply());
    cache.invalidate('Bob@Parley.test');
    expect(cache.get(cache.ticket(request()))).toBeUndefined();
    expect(cache.get(cache.ticket(request({ mailboxes: ['carol@parley.test'] })))).toBeDefined();
  });

  it('does not keep an answer fetched while one of its mailboxes changed', () => {
    const cache = liveCache();
    const ticket = cache.ticket(request());
    cache.invalidate('bob@parley.test'); // the change lands while the query is at calendar-sync
    cache.put(ticket, request(), reply());
    expect(cache.get(cache.ticket(request()))).toBeUndefined();
    // A query that started after the change is kept.
    ask(cache, request(), reply());
    expect(cache.get(cache.ticket(request()))).toBeDefined();
  });

  it('expires answers after the time to live; 0 turns the cache off', () => {
    const clock = { now: 0 };
    const cache = liveCache(1_000, clock);
    ask(cache, request(), reply());
    clock.now = 999;
    expect(cache.get(cache.ticket(request()))).toBeDefined();
    clock.now = 1_000;
    expect(cache.get(cache.ticket(request()))).toBeUndefined();
    expect(cache.size).toBe(0);
    const off = liveCache(0);
    ask(off, request(), reply());
    expect(off.get(off.ticket(request()))).toBeUndefined();
  });

  it('is bounded: least recently used out first, large answers never in', () => {
    const cache = liveCache();
    const day = (d: number) => request({ start: `2031-07-0${d}T00:00:00.000Z`, end: `2031-07-0${d + 1}T00:00:00.000Z` });
    for (const d of [1, 2, 3]) ask(cache, day(d), reply());
    cache.get(cache.ticket(day(1))); // 1 is now the most recently used
    ask(cache, day(4), reply());
    expect(cache.size).toBe(3);
    expect(cache.get(cache.ticket(day(2)))).toBeUndefined();
    expect(cache.get(cache.ticket(day(1)))).toBeDefined();
    ask(cache, day(5), reply(6));
    expect(cache.get(cache.ticket(day(5)))).toBeUndefined();
  });
});
