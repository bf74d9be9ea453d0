import { createEnvelope, type Envelope, type ImipOutgoingEvent, type ImipReceivedEvent, Topics } from '@parley/contracts';
import { PermanentMessageError } from '@parley/messaging';
import { SmtpSink, waitFor } from '@parley/testing';
import { simpleParser } from 'mailparser';
import { randomUUID } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer';
import { alice, bob, OutboundTestBed } from '../../test/outbound-test-bed';
import { ImipMailService } from './imip-mail.service';

const carol = 'carol@partner.test';
const dave = 'dave@partner.test';

const REQUEST = [
  'BEGIN:VCALENDAR',
  'PRODID:-//Parley//Parley Calendar//EN',
  'VERSION:2.0',
  'METHOD:REQUEST',
  'BEGIN:VEVENT',
  'UID:uid-review',
  'SEQUENCE:0',
  'DTSTAMP:20261203T100000Z',
  'DTSTART:20311121T090000Z',
  'DTEND:20311121T100000Z',
  'SUMMARY:Contract review',
  `ORGANIZER:mailto:${alice}`,
  `ATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:${carol}`,
  `ATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:${dave}`,
  'END:VEVENT',
  'END:VCALENDAR',
  '',
].join('\r\n');

function outgoing(overrides: Partial<ImipOutgoingEvent> = {}): Envelope<ImipOutgoingEvent> {
  return createEnvelope({
    type: Topics.calendarImipOutgoing,
    key: alice,
    correlationId: randomUUID(),
    payload: {
      organizer: alice,
      organizerName: 'Alice Organizer',
      method: 'REQUEST',
      uid: 'uid-review',
      sequence: 0,
      recipients: [carol, dave],
      subject: 'Contract review',
      ics: REQUEST,
      ...overrides,
    },
  });
}

describe('iMIP mail through the outbound queue', () => {
  const bed = new OutboundTestBed();
  const sinks: SmtpSink[] = [];

  beforeAll(() => bed.setUp());
  afterEach(async () => {
    await bed.reset();
    for (const sink of sinks.splice(0)) await sink.stop();
  });
  afterAll(() => bed.tearDown());

  it('mails an invitation to the external attendees as RFC 6047 has it (text/calendar; method=REQUEST), once per event', async () => {
    const smarthost = new SmtpSink();
    sinks.push(smarthost);
    await smarthost.start();
    const { outbound } = bed.start({ host: '127.0.0.1', port: smarthost.port, tls: 'opportunistic', caFile: undefined, auth: undefined });
    const imip = new ImipMailService(bed.db, outbound);
    const event = outgoing();

    expect(await imip.send(event)).toBe('queued');
    expect(await imip.send(event)).toBe('duplicate');
    await waitFor(() => smarthost.received.length >= 1, { timeoutMs: 10_000, what: 'the smarthost to receive the invitation' });
    expect(smarthost.received).toHaveLength(1);
    const [sunk] = smarthost.received;
    expect(sunk.from).toBe(alice);
    expect([...sunk.to].sort()).toEqual([carol, dave]);

    const raw = sunk.raw.toString();
    expect(raw).toMatch(/Content-Type: multipart\/mixed/);
    expect(raw).toMatch(/Content-Type: text\/calendar; charset=utf-8; method=REQUEST/);
    const mail = await simpleParser(sunk.raw);
    expect(mail.subject).toBe('Contract review');
    expect(mail.from?.value[0]).toMatchObject({ address: alice, name: 'Alice Organizer' });
    expect(mail.messageId).toBe(`<imip-${event.id}@parley.test>`);
    const calendar = mail.attachments.find((a) => a.contentType === 'text/calendar');
    expect(calendar?.content.toString()).toBe(REQUEST);
    expect(mail.text).toContain('invites you to "Contract review"');
  });

  it('dead-letters an invitation that cannot go out because no smarthost is configured', async () => {
    const { outbound } = bed.start(undefined);
    const imip = new ImipMailService(bed.db, outbound);
    await expect(imip.send(outgoing())).rejects.toBeInstanceOf(PermanentMessageError);
    expect(await bed.outboundMessages()).toEqual([]);
  });

  it('passes an iMIP REPLY that arrives by SMTP on to calendar-sync, and stores the mail in the Inbox as well', async () => {
    const reply = REQUEST.replace('METHOD:REQUEST', 'METHOD:REPLY').replace(
      /ATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:dave@partner.test\r\n/,
      '',
    );
    const raw = await new MailComposer({
      from: carol,
      to: alice,
      subject: 'Accepted: Contract review',
      text: 'Carol has accepted.',
      icalEvent: { method: 'REPLY', content: reply },
    })
      .compile()
      .build();
    const receipt = await bed.delivery.deliver({
      channel: 'relay',
      envelopeFrom: carol,
      recipients: [alice],
      raw,
      submittedBy: null,
      clientAddress: '127.0.0.1',
    });
    expect(receipt.deliveries.map((d) => d.mailbox)).toEqual([alice]);
    expect((await bed.inbox(alice)).map((m) => m.subject)).toEqual(['Accepted: Contract review']);
    const rows = (await bed.db.dataSource.query(`SELECT envelope FROM voicemail_ingest.outbox_message WHERE topic = $1`, [
      Topics.mailboxImipReceived,
    ])) as { envelope: Envelope<ImipReceivedEvent> }[];
    expect(rows.map((r) => [r.envelope.key, r.envelope.payload])).toEqual([
      [alice, { mailbox: alice, method: 'REPLY', from: carol, envelopeFrom: carol, ics: reply }],
    ]);

    // An invitation someone sends to a Parley user is just mail: nothing for calendar-sync to apply.
    const invitation = await new MailComposer({
      from: carol,
      to: bob,
      subject: 'Lunch?',
      icalEvent: { method: 'REQUEST', content: REQUEST },
    })
      .compile()
      .build();
    await bed.delivery.deliver({
      channel: 'relay',
      envelopeFrom: carol,
      recipients: [bob],
      raw: invitation,
      submittedBy: null,
      clientAddress: null,
    });
    expect(
      await bed.db.dataSource.query(`SELECT count(*)::int AS n FROM voicemail_ingest.outbox_message WHERE topic = $1`, [
        Topics.mailboxImipReceived,
      ]),
    ).toEqual([{ n: 1 }]);
  });
});
