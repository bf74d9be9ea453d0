import type { StoredCalendarItem } from '@parley/calendar-sync/data-access';
import ICAL from 'ical.js';
import { newChangeKey, newItemKey } from './calendar-item-id';
import { ImipFormatError, parseImipReply, renderImip } from './imip-calendar';

const ALICE = 'alice@example.com';
const CAROL = 'carol@partner.example';
const NOW = new Date('2031-11-01T12:00:00Z');
const at = (iso: string) => new Date(iso);

/** Alice's weekly review, Mondays 09:00–10:00 Berlin (08:00 UTC) from 17 November 2031, with an external attendee. */
function review(overrides: Partial<StoredCalendarItem> = {}): StoredCalendarItem {
  return {
    id: newItemKey(),
    mailbox: ALICE,
    subject: 'Review',
    body: { type: 'HTML', content: '<p>Agenda &amp; notes</p>' },
    location: 'Room 4',
    start: at('2031-11-17T08:00:00Z'),
    end: at('2031-11-17T09:00:00Z'),
    isAllDay: false,
    legacyFreeBusyStatus: 'Busy',
    sensitivity: 'Normal',
    organizer: { address: ALICE, name: 'Alice Organizer', responseType: 'Organizer' },
    requiredAttendees: [{ address: CAROL, name: 'Carol', responseType: 'Unknown' }],
    optionalAttendees: [{ address: 'bob@example.com', responseType: 'Accept' }],
    startTimeZone: 'W. Europe Standard Time',
    endTimeZone: 'W. Europe Standard Time',
    recurrence: null,
    rangeStart: at('2031-11-17T08:00:00Z'),
    rangeEnd: at('2031-11-17T09:00:00Z'),
    changeKey: newChangeKey(),
    revision: 3,
    createdAt: NOW,
    lastModifiedAt: NOW,
    deletedAt: null,
    meetingUid: 'uid-review-1',
    isCancelled: false,
    myResponseType: null,
    exceptions: [],
    ...overrides,
  };
}

function eventsOf(ics: string): { calendar: ICAL.Component; events: ICAL.Component[] } {
  const calendar = new ICAL.Component(ICAL.parse(ics) as unknown[]);
  return { calendar, events: calendar.getAllSubcomponents('vevent') };
}

describe('iMIP rendering (read back with ical.js)', () => {
  it('writes a REQUEST with UID, SEQUENCE, UTC times, organizer, attendees asked to answer, summary, location and description', () => {
    const ics = renderImip(review(), 'REQUEST', NOW);
    expect(ics).toContain('\r\n');
    const { calendar, events } = eventsOf(ics);
    expect(calendar.getFirstPropertyValue('method')).toBe('REQUEST');
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event.getFirstPropertyValue('uid')).toBe('uid-review-1');
    expect(event.getFirstPropertyValue('sequence')).toBe(2);
    expect((event.getFirstPropertyValue('dtstart') as ICAL.Time).toJSDate().toISOString()).toBe('2031-11-17T08:00:00.000Z');
    expect((event.getFirstPropertyValue('dtend') as ICAL.Time).toJSDate().toISOString()).toBe('2031-11-17T09:00:00.000Z');
    expect((event.getFirstPropertyValue('dtstamp') as ICAL.Time).toJSDate().toISOString()).toBe(NOW.toISOString());
    expect(event.getFirstPropertyValue('summary')).toBe('Review');
    expect(event.getFirstPropertyValue('location')).toBe('Room 4');
    expect(event.getFirstPropertyValue('description')).toBe('Agenda & notes');
    const organizer = event.getFirstProperty('organizer');
    expect(organizer?.getFirstValue()).toBe(`mailto:${ALICE}`);
    expect(organizer?.getParameter('cn')).toBe('Alice Organizer');
    const attendees = event.getAllProperties('attendee').map((p) => ({
      address: p.getFirstValue(),
      partstat: p.getParameter('partstat'),
      rsvp: p.getParameter('rsvp'),
      role: p.getParameter('role'),
    }));
    expect(attendees).toEqual([
      { address: `mailto:${CAROL}`, partstat: 'NEEDS-ACTION', rsvp: 'TRUE', role: 'REQ-PARTICIPANT' },
      { address: 'mailto:bob@example.com', partstat: 'NEEDS-ACTION', rsvp: 'TRUE', role: 'OPT-PARTICIPANT' },
    ]);
  });

  it('writes a CANCEL with STATUS:CANCELLED, the sequence of the cancelling write and the cancelled attendees only', () => {
    const { calendar, events } = eventsOf(renderImip(review({ revision: 4 }), 'CANCEL', NOW, [CAROL]));
    expect(calendar.getFirstPropertyValue('method')).toBe('CANCEL');
    const [event] = events;
    expect(event.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(event.getFirstPropertyValue('sequence')).toBe(3);
    expect(event.getAllProperties('attendee').map((p) => p.getFirstValue())).toEqual([`mailto:${CAROL}`]);
  });

  it('writes a series as an RRULE whose occurrences are the series', () => {
    const series = review({
      recurrence: {
        pattern: { type: 'Weekly', interval: 1, daysOfWeek: ['Monday', 'Wednesday'], firstDayOfWeek: 'Monday' },
        range: { type: 'Numbered', startDate: '2031-11-17', numberOfOccurrences: 4 },
      },
      exceptions: [
        { kind: 'deleted', originalStart: at('2031-11-19T08:00:00Z') },
        {
          kind: 'modified',
          originalStart: at('2031-11-24T08:00:00Z'),
          start: at('2031-11-24T10:00:00Z'),
          end: at('2031-11-24T11:00:00Z'),
          overrides: { subject: 'Review (moved)' },
        },
      ],
    });
    const { events } = eventsOf(renderImip(series, 'REQUEST', NOW));
    const [master, moved] = events;
    // WKST=MO is iCalendar's default, which ical.js leaves out.
    expect(String(master.getFirstPropertyValue('rrule'))).toBe('FREQ=WEEKLY;COUNT=4;BYDAY=MO,WE');
    const expansion = new ICAL.Event(master).iterator();
    const starts: string[] = [];
    for (let next = expansion.next(); next; next = expansion.next()) starts.push(next.toJSDate().toISOString());
    // Four by the rule, the deleted Wednesday left out by its EXDATE.
    expect(starts).toEqual(['2031-11-17T08:00:00.000Z', '2031-11-24T08:00:00.000Z', '2031-11-26T08:00:00.000Z']);
    expect((master.getFirstPropertyValue('exdate') as ICAL.Time).toJSDate().toISOString()).toBe('2031-11-19T08:00:00.000Z');
    expect((moved.getFirstPropertyValue('recurrence-id') as ICAL.Time).toJSDate().toISOString()).toBe('2031-11-24T08:00:00.000Z');
    expect((moved.getFirstPropertyValue('dtstart') as ICAL.Time).toJSDate().toISOString()).toBe('2031-11-24T10:00:00.000Z');
    expect(moved.getFirstPropertyValue('summary')).toBe('Review (moved)');
  });

  it('writes a series in its own zone (TZID and a VTIMEZONE): its occurrences keep their wall-clock time across a DST change', () => {
    // Mondays 00:30 in Berlin (Sunday evening in UTC) from 20 October 2031, over the end of summer time on 26 October.
    const early = review({
      start: at('2031-10-19T22:30:00Z'),
      end: at('2031-10-19T23:30:00Z'),
      recurrence: {
        pattern: { type: 'Weekly', interval: 1, daysOfWeek: ['Monday'], firstDayOfWeek: 'Sunday' },
        range: { type: 'EndDate', startDate: '2031-10-20', endDate: '2031-11-03' },
      },
    });
    const ics = renderImip(early, 'REQUEST', NOW);
    expect(ics).toContain('DTSTART;TZID=Europe/Berlin:20311020T003000');
    const { calendar, events } = eventsOf(ics);
    const zone = calendar.getFirstSubcomponent('vtimezone');
    expect(zone?.getFirstPropertyValue('tzid')).toBe('Europe/Berlin');
    expect(zone?.getAllSubcomponents().map((c) => [c.name, String(c.getFirstPropertyValue('rrule'))])).toEqual([
      ['daylight', 'FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU'],
      ['standard', 'FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU'],
    ]);
    // ical.js resolves the TZID with the VTIMEZONE of the same VCALENDAR.
    const [master] = events;
    const rule = master.getFirstPropertyValue('rrule') as ICAL.Recur;
    expect(rule.parts['BYDAY']).toEqual(['MO']);
    expect(String(rule)).toContain('WKST=SU');
    expect(rule.until?.toJSDate().toISOString()).toBe('2031-11-03T22:59:59.000Z');
    const expansion = new ICAL.Event(master).iterator();
    const starts: string[] = [];
    for (let next = expansion.next(); next; next = expansion.next()) starts.push(next.toJSDate().toISOString());
    expect(starts).toEqual(['2031-10-19T22:30:00.000Z', '2031-10-26T23:30:00.000Z', '2031-11-02T23:30:00.000Z']);
  });

  it('writes an all-day item with DATE values in its own zone', () => {
    const allDay = review({ isAllDay: true, start: at('2031-11-16T23:00:00Z'), end: at('2031-11-17T23:00:00Z') });
    const [event] = eventsOf(renderImip(allDay, 'REQUEST', NOW)).events;
    expect((event.getFirstPropertyValue('dtstart') as ICAL.Time).toString()).toBe('2031-11-17');
    expect((event.getFirstPropertyValue('dtend') as ICAL.Time).toString()).toBe('2031-11-18');
  });
});

describe('iMIP replies', () => {
  function reply(partStat: string, attendees = [CAROL], method = 'REPLY'): string {
    const calendar = new ICAL.Component(['vcalendar', [], []]);
    calendar.updatePropertyWithValue('method', method);
    const event = new ICAL.Component('vevent');
    event.updatePropertyWithValue('uid', 'uid-review-1');
    event.updatePropertyWithValue('sequence', 2);
    for (const address of attendees) {
      const attendee = new ICAL.Property('attendee');
      attendee.setParameter('partstat', partStat);
      attendee.setValue(`mailto:${address.toUpperCase()}`);
      event.addProperty(attendee);
    }
    calendar.addSubcomponent(event);
    return calendar.toString();
  }

  it('reads the UID, the answering attendee (lower-cased) and the answer', () => {
    expect(parseImipReply(reply('ACCEPTED'))).toEqual({
      uid: 'uid-review-1',
      sequence: 2,
      attendee: CAROL,
      partStat: 'ACCEPTED',
      response: 'Accept',
    });
    expect(parseImipReply(reply('TENTATIVE')).response).toBe('Tentative');
    expect(parseImipReply(reply('DECLINED')).response).toBe('Decline');
    expect(parseImipReply(reply('NEEDS-ACTION')).response).toBeNull();
  });

  it('refuses what is not a REPLY for one attendee', () => {
    expect(() => parseImipReply(reply('ACCEPTED', [CAROL], 'REQUEST'))).toThrow(ImipFormatError);
    expect(() => parseImipReply(reply('ACCEPTED', [CAROL, 'dave@partner.example']))).toThrow(ImipFormatError);
    expect(() => parseImipReply('BEGIN:VCALENDAR\r\nnonsense')).toThrow(ImipFormatError);
  });
});
