import { simpleParser } from 'mailparser';
import { buildDeliveryStatusNotification, headerSectionOf, statusOf } from './delivery-status-notification';

describe('delivery status notification', () => {
  const original = Buffer.from(
    'Received: from x\r\nFrom: alice@parley.test\r\nTo: ext@remote.test\r\nSubject: Lunch?\r\n\r\nBody text\r\n',
  );

  it('is an RFC 3464 report to the sender with one block per failed recipient', async () => {
    const raw = await buildDeliveryStatusNotification({
      reportingMta: 'mx.parley.test',
      remoteMta: 'smarthost.test:25',
      to: 'alice@parley.test',
      arrivalDate: new Date('2026-12-03T10:00:00Z'),
      failed: [
        { address: 'ext@remote.test', reply: '550 5.1.1 <ext@remote.test>: user unknown', expired: false },
        { address: 'slow@remote.test', reply: '451 4.3.0 try later', expired: true },
      ],
      originalHeaders: headerSectionOf(original),
      now: new Date('2026-12-03T11:00:00Z'),
    });
    const text = raw.toString();
    expect(text).toMatch(/^Content-Type: multipart\/report; report-type=delivery-status;/m);
    expect(text).toMatch(/^Auto-Submitted: auto-replied$/m);
    expect(text).toContain(
      'Final-Recipient: rfc822; ext@remote.test\r\nAction: failed\r\nStatus: 5.1.1\r\nRemote-MTA: dns; smarthost.test:25',
    );
    expect(text).toContain('Final-Recipient: rfc822; slow@remote.test\r\nAction: failed\r\nStatus: 4.4.7');
    expect(text).toContain('Reporting-MTA: dns; mx.parley.test');
    const parsed = await simpleParser(raw);
    expect(parsed.subject).toBe('Undelivered Mail Returned to Sender');
    expect(parsed.to && !Array.isArray(parsed.to) ? parsed.to.value[0].address : null).toBe('alice@parley.test');
    expect(parsed.from?.value[0].address).toBe('MAILER-DAEMON@mx.parley.test');
    expect(parsed.text).toContain('ext@remote.test: 550 5.1.1');
    expect(text).toContain('Subject: Lunch?');
    expect(text).not.toContain('Body text');
  });

  it('takes the status from the reply, else from its class', () => {
    expect(statusOf({ address: 'a', reply: '552 5.2.2 full', expired: false })).toBe('5.2.2');
    expect(statusOf({ address: 'a', reply: '554 no', expired: false })).toBe('5.0.0');
    expect(statusOf({ address: 'a', reply: 'no reply from the smarthost', expired: false })).toBe('5.0.0');
  });
});
