// iMIP as a user of a real EWS client and an outside calendar see it, against any deployment: the
// organizer invites a partner outside Parley, the smarthost (a local SMTP sink) receives the
// iCalendar REQUEST, the partner's calendar answers with a REPLY (written with ical.js) through
// Parley's trusted relay, and the organizer's meeting, bound through EWS, shows the answer.
import type { SmtpSink } from '@parley/testing';
import { waitFor } from '@parley/testing';
import * as ews from 'ews-javascript-api';
import ICAL from 'ical.js';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';

export const partner = 'partner@elsewhere.test';
// Monday 24 November 2031, 15:00 UTC.
const START = Date.UTC(2031, 10, 24, 15, 0, 0);
const HOUR = 3_600_000;

export interface ImipSetting {
  /** The organizer's EWS client. */
  readonly service: ews.ExchangeService;
  readonly alice: string;
  /** The smarthost every external recipient goes to. */
  readonly smarthost: SmtpSink;
  /** Parley's trusted relay port on 127.0.0.1. */
  readonly relayPort: number;
}

/** The partner's calendar accepting the invitation `request` (its UID, SEQUENCE and organizer kept). */
function acceptance(request: ICAL.Component): string {
  const invited = request.getFirstSubcomponent('vevent');
  if (!invited) throw new Error('the invitation has no VEVENT');
  const calendar = new ICAL.Component(['vcalendar', [], []]);
  calendar.updatePropertyWithValue('prodid', '-//Elsewhere//Partner Calendar//EN');
  calendar.updatePropertyWithValue('version', '2.0');
  calendar.updatePropertyWithValue('method', 'REPLY');
  const event = new ICAL.Component('vevent');
  for (const name of ['uid', 'sequence', 'dtstart', 'dtend', 'summary']) {
    const property = invited.getFirstProperty(name);
    if (property) event.addProperty(ICAL.Property.fromString(property.toICALString()));
  }
  event.updatePropertyWithValue('dtstamp', ICAL.Time.fromJSDate(new Date(), true));
  const organizer = invited.getFirstProperty('organizer');
  if (organizer) event.addProperty(ICAL.Property.fromString(organizer.toICALString()));
  const attendee = new ICAL.Property('attendee');
  attendee.setParameter('partstat', 'ACCEPTED');
  attendee.setValue(`mailto:${partner}`);
  event.addProperty(attendee);
  calendar.addSubcomponent(event);
  return calendar.toString();
}

/** Invites the partner, checks the iMIP REQUEST at the smarthost, answers it by SMTP and waits for the organizer to see Accept. */
export async function inviteExternalAttendeeAndAccept({ service, alice, smarthost, relayPort }: ImipSetting): Promise<void> {
  const meeting = new ews.Appointment(service);
  meeting.Subject = 'Partner kick-off';
  meeting.Location = 'Video call';
  meeting.Body = new ews.MessageBody(ews.BodyType.Text, 'Agenda: the contract.');
  meeting.Start = new ews.DateTime(START);
  meeting.End = new ews.DateTime(START + HOUR);
  meeting.RequiredAttendees.Add(partner);
  await meeting.Save(ews.SendInvitationsMode.SendToAllAndSaveCopy);

  const invitation = await waitFor(() => smarthost.received.find((m) => m.to.includes(partner)) ?? null, {
    timeoutMs: 20_000,
    what: 'the iMIP invitation at the smarthost',
  });
  expect(invitation.from).toBe(alice);
  expect(invitation.raw.toString()).toMatch(/Content-Type: text\/calendar; charset=utf-8; method=REQUEST/);
  const mail = await simpleParser(invitation.raw);
  expect(mail.subject).toBe('Partner kick-off');
  const ics = mail.attachments.find((a) => a.contentType === 'text/calendar')?.content.toString() ?? '';
  const request = new ICAL.Component(ICAL.parse(ics) as unknown[]);
  expect(request.getFirstPropertyValue('method')).toBe('REQUEST');
  const event = request.getFirstSubcomponent('vevent');
  expect(event?.getFirstPropertyValue('summary')).toBe('Partner kick-off');
  expect(event?.getFirstPropertyValue('location')).toBe('Video call');
  expect((event?.getFirstPropertyValue('dtstart') as ICAL.Time).toJSDate().getTime()).toBe(START);
  expect(event?.getFirstProperty('organizer')?.getFirstValue()).toBe(`mailto:${alice}`);
  const invited = event?.getAllProperties('attendee').map((p) => [p.getFirstValue(), p.getParameter('partstat'), p.getParameter('rsvp')]);
  expect(invited).toEqual([[`mailto:${partner}`, 'NEEDS-ACTION', 'TRUE']]);
  const bound = await ews.Appointment.Bind(service, meeting.Id);
  expect(event?.getFirstPropertyValue('uid')).toBe(bound.ICalUid);
  expect(ews.MeetingResponseType[bound.RequiredAttendees._getItem(0).ResponseType]).not.toBe('Accept');

  // The partner's calendar answers through the trusted relay (from 127.0.0.1, no sign-in).
  const relay = nodemailer.createTransport({ host: '127.0.0.1', port: relayPort, secure: false, ignoreTLS: true });
  await relay.sendMail({
    from: partner,
    to: alice,
    subject: 'Accepted: Partner kick-off',
    text: 'Partner has accepted.',
    icalEvent: { method: 'REPLY', content: acceptance(request) },
  });
  relay.close();

  const answer = await waitFor(
    async () => {
      const organizers = await ews.Appointment.Bind(service, meeting.Id);
      const response = ews.MeetingResponseType[organizers.RequiredAttendees._getItem(0).ResponseType];
      return response === 'Accept' ? response : null;
    },
    { timeoutMs: 15_000, what: "alice's meeting showing the partner's acceptance" },
  );
  expect(answer).toBe('Accept');
  // The reply is mail too: it is in alice's Inbox.
  const inbox = await service.FindItems(ews.WellKnownFolderName.Inbox, new ews.ItemView(10));
  expect(inbox.Items.map((i) => i.Subject)).toContain('Accepted: Partner kick-off');
}
