import MailComposer from 'nodemailer/lib/mail-composer';
import { parseInboundMail } from './parse-inbound-mail';

const REPLY = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//Partner//Calendar//EN',
  'METHOD:REPLY',
  'BEGIN:VEVENT',
  'UID:uid-1',
  'ATTENDEE;PARTSTAT=ACCEPTED:mailto:carol@partner.example',
  'END:VEVENT',
  'END:VCALENDAR',
  '',
].join('\r\n');

function compose(options: ConstructorParameters<typeof MailComposer>[0]): Promise<Buffer> {
  return new MailComposer({ from: 'carol@partner.example', to: 'alice@example.com', subject: 'Accepted: Review', ...options })
    .compile()
    .build();
}

describe('iMIP parts in received mail', () => {
  it("finds a calendar client's REPLY (text/calendar; method=REPLY, as RFC 6047 has it) with its text", async () => {
    const parsed = await parseInboundMail(await compose({ text: 'Carol accepted.', icalEvent: { method: 'REPLY', content: REPLY } }), {
      defaultRegion: null,
    });
    expect(parsed.calendar).toEqual({ method: 'REPLY', content: REPLY });
    expect(parsed.body).toEqual({ type: 'Text', content: 'Carol accepted.' });
  });

  it('reads the METHOD from the iCalendar text, and finds nothing in an ordinary mail', async () => {
    const request = REPLY.replace('METHOD:REPLY', 'METHOD:request');
    const alone = await compose({ alternatives: [{ contentType: 'text/calendar; charset=utf-8', content: request }] });
    expect((await parseInboundMail(alone, { defaultRegion: null })).calendar?.method).toBe('REQUEST');
    expect((await parseInboundMail(await compose({ text: 'Hello' }), { defaultRegion: null })).calendar).toBeNull();
  });
});
