import { ParleyApi } from './api';
import {
  CALENDAR_PAGE_SIZE,
  calendarViewRequest,
  calendarWindow,
  drivingEntryIds,
  entryOf,
  groupByDay,
  loadCalendar,
  MAX_CALENDAR_PAGES,
  midnightOf,
  type CalendarEntry,
  type GraphEvent,
} from './calendar';
import { Translator } from './i18n/i18n';

const at = (iso: string) => Date.parse(iso);
const iso = (instant: number) => new Date(instant).toISOString();

function entry(id: string, start: string, end: string, extra: Partial<CalendarEntry> = {}): CalendarEntry {
  return { id, subject: id, location: '', showAs: 'busy', cancelled: false, allDay: false, start: at(start), end: at(end), ...extra };
}

describe('calendarWindow and the calendarView request', () => {
  it('spans today and tomorrow from local midnight in the zone, as UTC bounds, with the zone preferred for the answer', () => {
    const window = calendarWindow(at('2026-12-03T10:00:00Z'), 'Europe/Rome');
    expect(window.days.map((d) => [d.relative, d.date, iso(d.start), iso(d.end)])).toEqual([
      ['today', '2026-12-03', '2026-12-02T23:00:00.000Z', '2026-12-03T23:00:00.000Z'],
      ['tomorrow', '2026-12-04', '2026-12-03T23:00:00.000Z', '2026-12-04T23:00:00.000Z'],
    ]);
    const { path, headers } = calendarViewRequest(window);
    const [route, query] = path.split('?');
    expect(route).toBe('/api/v1.0/me/calendarView');
    expect(Object.fromEntries(new URLSearchParams(query))).toEqual({
      startDateTime: '2026-12-02T23:00:00.000Z',
      endDateTime: '2026-12-04T23:00:00.000Z',
      $top: String(CALENDAR_PAGE_SIZE),
    });
    expect(headers).toEqual({ Prefer: 'outlook.timezone="Europe/Rome"' });
  });

  it('takes the local date, not the UTC one, near midnight', () => {
    // 00:30 on 4 December in Rome is still 3 December in UTC; 19:30 on 3 December in New York is already the 4th in UTC.
    expect(calendarWindow(at('2026-12-03T23:30:00Z'), 'Europe/Rome').days[0]?.date).toBe('2026-12-04');
    expect(calendarWindow(at('2026-12-04T00:30:00Z'), 'America/New_York').days[0]?.date).toBe('2026-12-03');
  });

  it('makes a spring-forward day 23 hours long (Europe/Rome, 29 March 2026)', () => {
    const window = calendarWindow(at('2026-03-29T10:00:00Z'), 'Europe/Rome');
    expect(window.days.map((d) => [iso(d.start), (d.end - d.start) / 3_600_000])).toEqual([
      ['2026-03-28T23:00:00.000Z', 23],
      ['2026-03-29T22:00:00.000Z', 24],
    ]);
  });

  it('makes a fall-back day 25 hours long (America/New_York, 1 November 2026), the window asked that way', () => {
    const window = calendarWindow(at('2026-10-31T16:00:00Z'), 'America/New_York');
    expect(window.days.map((d) => [d.date, iso(d.start), (d.end - d.start) / 3_600_000])).toEqual([
      ['2026-10-31', '2026-10-31T04:00:00.000Z', 24],
      ['2026-11-01', '2026-11-01T04:00:00.000Z', 25],
    ]);
    const query = new URLSearchParams(calendarViewRequest(window).path.split('?')[1]);
    expect([query.get('startDateTime'), query.get('endDateTime')]).toEqual(['2026-10-31T04:00:00.000Z', '2026-11-02T05:00:00.000Z']);
  });

  it('starts a day whose midnight a DST change skips at the first instant it has (America/Santiago, 6 September 2026)', () => {
    expect(iso(midnightOf('2026-09-06', 'America/Santiago'))).toBe('2026-09-06T04:00:00.000Z');
    expect(iso(midnightOf('2026-09-05', 'America/Santiago'))).toBe('2026-09-05T04:00:00.000Z');
  });
});

describe('entryOf', () => {
  const event = (extra: Partial<GraphEvent>): GraphEvent => ({
    id: 'e1',
    subject: ' Design review ',
    start: { dateTime: '2026-12-03T11:00:00.0000000', timeZone: 'Europe/Rome' },
    end: { dateTime: '2026-12-03T11:30:00.0000000', timeZone: 'Europe/Rome' },
    isAllDay: false,
    showAs: 'busy',
    isCancelled: false,
    location: { displayName: ' Room 1 ' },
    ...extra,
  });

  it('reads the times in the zone the answer names', () => {
    expect(entryOf(event({}), 'Europe/Rome')).toEqual({
      id: 'e1',
      subject: 'Design review',
      location: 'Room 1',
      showAs: 'busy',
      cancelled: false,
      allDay: false,
      start: at('2026-12-03T10:00:00Z'),
      end: at('2026-12-03T10:30:00Z'),
    });
    // An answer in UTC (the Prefer zone not applied) is the same instants.
    const utc = event({
      start: { dateTime: '2026-12-03T10:00:00.0000000', timeZone: 'UTC' },
      end: { dateTime: '2026-12-03T10:30:00.0000000', timeZone: 'UTC' },
    });
    expect(entryOf(utc, 'Europe/Rome')).toMatchObject({ start: at('2026-12-03T10:00:00Z'), end: at('2026-12-03T10:30:00Z') });
  });

  it("places an all-day event on the user's own midnights, whatever zone the answer is in", () => {
    const allDay = event({
      isAllDay: true,
      start: { dateTime: '2026-12-03T00:00:00.0000000', timeZone: 'UTC' },
      end: { dateTime: '2026-12-04T00:00:00.0000000', timeZone: 'UTC' },
    });
    expect(entryOf(allDay, 'America/New_York')).toMatchObject({
      allDay: true,
      start: at('2026-12-03T05:00:00Z'),
      end: at('2026-12-04T05:00:00Z'),
    });
  });

  it('keeps cancelled and free/busy, maps an unknown free/busy to unknown, and drops what it cannot read', () => {
    expect(entryOf(event({ isCancelled: true, showAs: 'tentative' }), 'UTC')).toMatchObject({ cancelled: true, showAs: 'tentative' });
    expect(entryOf(event({ showAs: 'somethingNew' }), 'UTC')?.showAs).toBe('unknown');
    expect(entryOf(event({ subject: null, location: null }), 'UTC')).toMatchObject({ subject: '', location: '' });
    expect(entryOf(event({ start: { dateTime: 'soon', timeZone: 'UTC' } }), 'UTC')).toBeNull();
    expect(entryOf(event({ start: { dateTime: '2026-12-03T11:00:00', timeZone: 'Not/AZone' } }), 'UTC')).toBeNull();
    expect(entryOf(event({ id: '' }), 'UTC')).toBeNull();
  });
});

describe('groupByDay', () => {
  const window = calendarWindow(at('2026-12-03T08:00:00Z'), 'UTC');

  it('puts each entry in every day it overlaps: all-day first, then by start', () => {
    const entries = [
      entry('late', '2026-12-03T23:00:00Z', '2026-12-04T01:00:00Z'),
      entry('morning', '2026-12-03T09:00:00Z', '2026-12-03T10:00:00Z'),
      entry('holiday', '2026-12-03T00:00:00Z', '2026-12-05T00:00:00Z', { allDay: true }),
      entry('yesterday', '2026-12-02T09:00:00Z', '2026-12-03T00:00:00Z'),
      entry('reminder', '2026-12-04T12:00:00Z', '2026-12-04T12:00:00Z'),
      entry('after', '2026-12-05T00:00:00Z', '2026-12-05T01:00:00Z'),
    ];
    expect(groupByDay(entries, window).map((d) => [d.relative, d.entries.map((e) => e.id)])).toEqual([
      ['today', ['holiday', 'morning', 'late']],
      ['tomorrow', ['holiday', 'late', 'reminder']],
    ]);
  });
});

describe('drivingEntryIds', () => {
  const now = at('2026-12-03T10:15:00Z');
  const inMeeting = (until: string | null) => ({ state: 'in-a-meeting' as const, until });

  it('is the meeting happening now that ends when the presence says', () => {
    const entries = [
      entry('now', '2026-12-03T10:00:00Z', '2026-12-03T10:30:00Z'),
      entry('later', '2026-12-03T11:00:00Z', '2026-12-03T11:30:00Z'),
      entry('overlapping', '2026-12-03T09:00:00Z', '2026-12-03T10:20:00Z'),
    ];
    expect([...drivingEntryIds(entries, inMeeting('2026-12-03T10:30:00Z'), now)]).toEqual(['now']);
    // The instant is compared, not the text: another offset for the same instant matches.
    expect([...drivingEntryIds(entries, inMeeting('2026-12-03T11:30:00+01:00'), now)]).toEqual(['now']);
  });

  it('is nothing when the presence is not in a meeting, or no busy meeting runs now', () => {
    const entries = [entry('now', '2026-12-03T10:00:00Z', '2026-12-03T10:30:00Z')];
    expect(drivingEntryIds(entries, null, now).size).toBe(0);
    expect(drivingEntryIds(entries, undefined, now).size).toBe(0);
    expect(drivingEntryIds(entries, { state: 'out-of-office', until: '2026-12-03T10:30:00Z' }, now).size).toBe(0);
    expect(drivingEntryIds(entries, inMeeting('2026-12-03T10:30:00Z'), at('2026-12-03T10:30:00Z')).size).toBe(0);
    const tentative = [entry('maybe', '2026-12-03T10:00:00Z', '2026-12-03T10:30:00Z', { showAs: 'tentative' })];
    expect(drivingEntryIds(tentative, inMeeting('2026-12-03T10:30:00Z'), now).size).toBe(0);
    const cancelled = [entry('off', '2026-12-03T10:00:00Z', '2026-12-03T10:30:00Z', { cancelled: true })];
    expect(drivingEntryIds(cancelled, inMeeting('2026-12-03T10:30:00Z'), now).size).toBe(0);
  });

  it('is the current meeting of a back-to-back chain whose end the presence names', () => {
    const entries = [
      entry('first', '2026-12-03T10:00:00Z', '2026-12-03T10:30:00Z'),
      entry('second', '2026-12-03T10:30:00Z', '2026-12-03T11:00:00Z', { showAs: 'tentative' }),
      entry('third', '2026-12-03T10:50:00Z', '2026-12-03T12:00:00Z'),
      entry('free', '2026-12-03T12:00:00Z', '2026-12-03T13:00:00Z', { showAs: 'free' }),
    ];
    expect([...drivingEntryIds(entries, inMeeting('2026-12-03T12:00:00Z'), now)]).toEqual(['first']);
    // A stale or foreign end (a meeting moved, the push not in yet) highlights nothing.
    expect(drivingEntryIds(entries, inMeeting('2026-12-03T13:00:00Z'), now).size).toBe(0);
    expect(drivingEntryIds(entries, inMeeting('2026-12-03T10:10:00Z'), now).size).toBe(0);
  });

  it('is every busy meeting running now when the presence has no end', () => {
    const entries = [
      entry('a', '2026-12-03T10:00:00Z', '2026-12-03T10:30:00Z'),
      entry('b', '2026-12-03T09:00:00Z', '2026-12-03T11:00:00Z'),
    ];
    expect([...drivingEntryIds(entries, inMeeting(null), now)].sort()).toEqual(['a', 'b']);
  });
});

describe('loadCalendar', () => {
  it('asks with the Prefer zone, follows next links on its own origin, and maps the events', async () => {
    const calls: { url: string; headers: Record<string, string> }[] = [];
    const page = (n: number, next?: string) => ({
      value: [
        {
          id: `e${n}`,
          subject: `Meeting ${n}`,
          start: { dateTime: `2026-12-03T1${n}:00:00.0000000`, timeZone: 'Europe/Rome' },
          end: { dateTime: `2026-12-03T1${n}:30:00.0000000`, timeZone: 'Europe/Rome' },
          showAs: 'busy',
        },
      ],
      ...(next ? { '@odata.nextLink': next } : {}),
    });
    const api = new ParleyApi(async (url, init) => {
      calls.push({ url, headers: init?.headers as Record<string, string> });
      const body = calls.length === 1 ? page(1, 'http://proxy.example:8080/api/v1.0/me/calendarView?x=1&%24skip=100') : page(2);
      return new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } });
    });
    const window = calendarWindow(at('2026-12-03T08:00:00Z'), 'Europe/Rome');
    const { entries, complete } = await loadCalendar(api, window);
    expect(calls.map((c) => [c.url.split('?')[0], c.headers['Prefer']])).toEqual([
      ['/api/v1.0/me/calendarView', 'outlook.timezone="Europe/Rome"'],
      ['/api/v1.0/me/calendarView', 'outlook.timezone="Europe/Rome"'],
    ]);
    expect(calls[1]?.url).toBe('/api/v1.0/me/calendarView?x=1&%24skip=100');
    expect(entries.map((e) => [e.id, iso(e.start)])).toEqual([
      ['e1', '2026-12-03T10:00:00.000Z'],
      ['e2', '2026-12-03T11:00:00.000Z'],
    ]);
    expect(complete).toBe(true);
  });

  it(`stops after ${MAX_CALENDAR_PAGES} pages and says the list is incomplete`, async () => {
    let calls = 0;
    const api = new ParleyApi(async () => {
      calls += 1;
      return new Response(JSON.stringify({ value: [], '@odata.nextLink': `/api/v1.0/me/calendarView?page=${calls}` }), { status: 200 });
    });
    const { complete } = await loadCalendar(api, calendarWindow(Date.now(), 'UTC'));
    expect({ calls, complete }).toEqual({ calls: MAX_CALENDAR_PAGES, complete: false });
  });

  it("fails with the Graph error's message", async () => {
    const api = new ParleyApi(
      async () =>
        new Response(JSON.stringify({ error: { code: 'serviceNotAvailable', message: 'The calendar did not answer in time.' } }), {
          status: 503,
        }),
    );
    await expect(loadCalendar(api, calendarWindow(Date.now(), 'UTC'))).rejects.toMatchObject({
      kind: 'server',
      code: 'serviceNotAvailable',
      message: 'The calendar did not answer in time.',
    });
  });
});

describe('Translator.timeRange and date', () => {
  it('gives a range of times on one day, with weekdays across days, in the language and zone', () => {
    const fr = new Translator('fr', 'Europe/Rome');
    expect(fr.timeRange(at('2026-12-03T10:00:00Z'), at('2026-12-03T10:30:00Z'))).toMatch(/^11:00\s*–\s*11:30$/);
    const en = new Translator('en', 'Europe/Rome');
    const across = en.timeRange(at('2026-12-03T22:00:00Z'), at('2026-12-04T00:30:00Z'));
    expect(across).toContain('Thu');
    expect(across).toContain('Fri');
    expect(en.date(at('2026-12-03T23:30:00Z'))).toBe('Friday, December 4');
    expect(new Translator('it', 'Europe/Rome').date(at('2026-12-03T10:00:00Z'))).toBe('giovedì 3 dicembre');
  });
});
