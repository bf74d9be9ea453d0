import { CalendarSyncDatabase } from '@parley/calendar-sync/data-access';
import {
  calendarItemFieldsSchema,
  CalendarItemInput,
  CalendarItemView,
  createEnvelope,
  Envelope,
  ImipOutgoingEvent,
  imipOutgoingEventSchema,
  ImipReceivedEvent,
  Topics,
} from '@parley/contracts';
import ICAL from 'ical.js';
import { randomUUID } from 'node:crypto';
import { CalendarService } from './calendar.service';
import { ImipReplyService } from './imip-reply.service';
import { CalendarTestBed, startCalendarTestBed } from '../../test/calendar-test-bed';

const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';
const CAROL = 'carol@partner.example';
const DAVE = 'dave@partner.example';

/** An attendee's answer as a calendar client writes it (ical.js), for `uid` at `sequence`. */
function replyIcs(uid: string, attendee: string, partStat: string, sequence = 0): string {
  const calendar = new ICAL.Component(['vcalendar', [], []]);
  calendar.updatePropertyWithValue('prodid', '-//Partner//Calendar//EN');
  calendar.updatePropertyWithValue('version', '2.0');
  calendar.updatePropertyWithValue('method', 'REPLY');
  const event = new ICAL.Component('vevent');
  event.updatePropertyWithValue('uid', uid);
  event.updatePropertyWithValue('sequence', sequence);
  event.updatePropertyWithValue('dtstamp', ICAL.Time.now());
  const property = new ICAL.Property('attendee');
  property.setParameter('partstat', partStat);
  property.setValue(`mailto:${attendee}`);
  event.addProperty(property);
  const organizer = new ICAL.Property('organizer');
  organizer.setValue(`mailto:${ALICE}`);
  event.addProperty(organizer);
  calendar.addSubcomponent(event);
  return calendar.toString();
}

describe('iMIP for external attendees, on PostgreSQL', () => {
  let bed: CalendarTestBed;
  let db: CalendarSyncDatabase;
  let calendar: CalendarService;
  let replies: ImipReplyService;

  const review: CalendarItemInput = {
    subject: 'Contract review',
    location: 'Bridge',
    start: '2031-11-21T09:00:00Z',
    end: '2031-11-21T10:00:00Z',
    requiredAttendees: [{ address: BOB }, { address: CAROL, name: 'Carol Partner' }],
    optionalAttendees: [{ address: DAVE }],
  };
  const invite = (input: CalendarItemInput = review) =>
    calendar.create(randomUUID(), ALICE, calendarItemFieldsSchema.parse(input), 'SendToAllAndSaveCopy');
  const outgoing = async (): Promise<Envelope<ImipOutgoingEvent>[]> =>
    (
      (await db.dataSource.query(`SELECT envelope FROM calendar_sync.outbox_message WHERE topic = $1 ORDER BY seq`, [
        Topics.calendarImipOutgoing,
      ])) as { envelope: Envelope<ImipOutgoingEvent> }[]
    ).map((r) => r.envelope);
  const received = (payload: Partial<ImipReceivedEvent> & Pick<ImipReceivedEvent, 'ics'>): Envelope<ImipReceivedEvent> =>
    createEnvelope({
      type: Topics.mailboxImipReceived,
      key: ALICE,
      correlationId: randomUUID(),
      payload: { mailbox: ALICE, method: 'REPLY', from: CAROL, envelopeFrom: CAROL, ...payload },
    });
  const entryOf = async (meeting: CalendarItemView, attendee: string) => {
    const current = await calendar.get({ mailbox: ALICE, target: { by: 'id', itemId: meeting.id } });
    return [...current.requiredAttendees, ...current.optionalAttendees].find((a) => a.address === attendee)?.responseType;
  };

  beforeAll(async () => {
    bed = await startCalendarTestBed('imip_it', [ALICE, BOB]);
    ({ db, calendar } = bed);
    replies = new ImipReplyService(db, bed.items);
  });

  afterAll(async () => {
    await bed?.close();
  });

  beforeEach(() => bed.reset());

  it('invites the external attendees by an iMIP REQUEST keyed by the organizer; the Parley attendee gets a copy instead', async () => {
    const meeting = await invite();
    const [event, ...more] = await outgoing();
    expect(more).toEqual([]);
    expect(event.key).toBe(ALICE);
    const payload = imipOutgoingEventSchema.parse(event.payload);
    expect(payload).toMatchObject({
      organizer: ALICE,
      method: 'REQUEST',
      uid: meeting.meetingUid,
      sequence: 0,
      subject: 'Contract review',
    });
    expect(payload.recipients.sort()).toEqual([CAROL, DAVE]);
    const vevent = new ICAL.Component(ICAL.parse(payload.ics) as unknown[]).getFirstSubcomponent('vevent');
    expect(vevent?.getFirstPropertyValue('uid')).toBe(meeting.meetingUid);
    expect(vevent?.getFirstPropertyValue('location')).toBe('Bridge');
    expect(vevent?.getAllProperties('attendee').map((p) => p.getFirstValue())).toEqual([
      `mailto:${BOB}`,
      `mailto:${CAROL}`,
      `mailto:${DAVE}`,
    ]);
    const bobs = await calendar.find({ mailbox: BOB, start: '2031-11-21T00:00:00Z', end: '2031-11-22T00:00:00Z' });
    expect(bobs.items.map((i) => i.meetingUid)).toEqual([meeting.meetingUid]);
  });

  it('sends nothing when the organizer sends no invitations, or when every attendee is a Parley mailbox', async () => {
    await calendar.create(randomUUID(), ALICE, calendarItemFieldsSchema.parse(review), 'SendToNone');
    await invite({ ...review, requiredAttendees: [{ address: BOB }], optionalAttendees: [] });
    expect(await outgoing()).toEqual([]);
  });

  it('sends an update as a REQUEST with a higher SEQUENCE, and a CANCEL to an external attendee taken off', async () => {
    const meeting = await invite();
    await calendar.update(randomUUID(), {
      mailbox: ALICE,
      itemId: meeting.id,
      changeKey: meeting.changeKey,
      conflictResolution: 'AlwaysOverwrite',
      sendMeetingInvitationsOrCancellations: 'SendToAllAndSaveCopy',
      set: { start: '2031-11-21T11:00:00Z', end: '2031-11-21T12:00:00Z', optionalAttendees: [] },
      delete: [],
    });
    const [, update, cancel] = (await outgoing()).map((e) => e.payload);
    expect(update).toMatchObject({ method: 'REQUEST', sequence: 1, recipients: [CAROL] });
    const start = new ICAL.Component(ICAL.parse(update.ics) as unknown[]).getFirstSubcomponent('vevent')?.getFirstPropertyValue('dtstart');
    expect((start as ICAL.Time).toJSDate().toISOString()).toBe('2031-11-21T11:00:00.000Z');
    expect(cancel).toMatchObject({ method: 'CANCEL', sequence: 1, recipients: [DAVE], subject: 'Canceled: Contract review' });
    expect(cancel.ics).toContain('STATUS:CANCELLED');
  });

  it('cancels for every external attendee when the organizer deletes the meeting, one SEQUENCE above the last', async () => {
    const meeting = await invite();
    await calendar.delete(randomUUID(), { mailbox: ALICE, itemId: meeting.id, sendMeetingCancellations: 'SendToAllAndSaveCopy' });
    const cancel = (await outgoing())[1].payload;
    expect(cancel).toMatchObject({ method: 'CANCEL', sequence: 1 });
    expect(cancel.recipients.sort()).toEqual([CAROL, DAVE]);
    const vevent = new ICAL.Component(ICAL.parse(cancel.ics) as unknown[]).getFirstSubcomponent('vevent');
    expect(vevent?.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(vevent?.getFirstPropertyValue('uid')).toBe(meeting.meetingUid);
  });

  it("records an external attendee's REPLY on the organizer's attendee entry, once per event, with its item change", async () => {
    const meeting = await invite();
    await db.dataSource.query('TRUNCATE calendar_sync.outbox_message');
    const event = received({ ics: replyIcs(meeting.meetingUid ?? '', CAROL.toUpperCase(), 'ACCEPTED') });
    expect(await replies.apply(event)).toBe('applied');
    expect(await entryOf(meeting, CAROL)).toBe('Accept');
    expect(await entryOf(meeting, DAVE)).toBe('Unknown');
    const changes = await bed.itemEvents();
    expect(changes.map((c) => [c.mailbox, c.change, c.itemId])).toEqual([[ALICE, 'updated', meeting.id]]);
    expect(await replies.apply(event)).toBe('duplicate');

    expect(
      await replies.apply(received({ ics: replyIcs(meeting.meetingUid ?? '', DAVE, 'DECLINED'), from: DAVE, envelopeFrom: null })),
    ).toBe('applied');
    expect(await entryOf(meeting, DAVE)).toBe('Decline');
    // The answer does not send the meeting out again.
    expect(await outgoing()).toEqual([]);
  });

  it('ignores replies that do not fit: another sender, someone not invited, an unknown UID, no answer, not a REPLY', async () => {
    const meeting = await invite();
    const uid = meeting.meetingUid ?? '';
    const outcome = (ics: string, from = CAROL) => replies.apply(received({ ics, from, envelopeFrom: from }));
    expect(await outcome(replyIcs(uid, CAROL, 'DECLINED'), 'mallory@elsewhere.example')).toBe('sender-mismatch');
    expect(await outcome(replyIcs(uid, 'erin@partner.example', 'ACCEPTED'), 'erin@partner.example')).toBe('not-an-attendee');
    expect(await outcome(replyIcs('no-such-uid', CAROL, 'ACCEPTED'))).toBe('unknown-meeting');
    expect(await outcome(replyIcs(uid, CAROL, 'NEEDS-ACTION'))).toBe('no-answer');
    expect(await outcome('BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n')).toBe('unreadable');
    // Bob's mailbox holds a copy with the same UID, but is not its organizer.
    expect(await replies.apply(received({ ics: replyIcs(uid, CAROL, 'ACCEPTED'), mailbox: BOB }))).toBe('unknown-meeting');
    expect(await entryOf(meeting, CAROL)).toBe('Unknown');
  });
});
