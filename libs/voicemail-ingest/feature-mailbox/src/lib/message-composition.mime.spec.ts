import { parseInboundMail } from '@parley/voicemail-ingest/mail-parsing';
import { simpleParser } from 'mailparser';
import {
  composeMessageMime,
  type OriginalMessage,
  responseBody,
  responseRecipients,
  responseSubject,
  responseThreading,
} from './message-composition.mime';
import { withoutBcc } from './message-submission.service';

const alice = 'alice@parley.test';
const original: OriginalMessage = {
  subject: 'Plans',
  from: { address: 'friend@remote.test', name: 'Friend' },
  to: [
    { address: 'Alice@parley.test', name: 'Alice' },
    { address: 'other@remote.test', name: null },
  ],
  cc: [
    { address: 'bob@parley.test', name: null },
    { address: 'friend@remote.test', name: null },
  ],
  sentAt: new Date('2026-12-03T10:00:00Z'),
  receivedAt: new Date('2026-12-03T10:00:01Z'),
  internetMessageId: '<plans@remote.test>',
  references: '<first@remote.test> <second@remote.test>',
  body: { type: 'Text', content: 'Shall we <meet>?' },
};

describe('composing a reply or forward', () => {
  it('addresses a reply to the sender, a reply all to everyone else once (never the replying mailbox), a forward to nobody', () => {
    expect(responseRecipients('reply', original, alice)).toEqual({ to: [original.from], cc: [] });
    expect(responseRecipients('reply-all', original, alice)).toEqual({
      to: [original.from, { address: 'other@remote.test', name: null }],
      cc: [{ address: 'bob@parley.test', name: null }],
    });
    expect(responseRecipients('forward', original, alice)).toEqual({ to: [], cc: [] });
    // Replying all to one's own message goes to its recipients.
    const own = { ...original, from: { address: alice, name: null } };
    expect(responseRecipients('reply-all', own, alice).to.map((a) => a.address)).toEqual(['other@remote.test']);
  });

  it('prefixes the subject once, and threads replies (not forwards)', () => {
    expect(responseSubject('reply', 'Plans')).toBe('RE: Plans');
    expect(responseSubject('reply-all', 'Re: Plans')).toBe('Re: Plans');
    expect(responseSubject('forward', 'RE: Plans')).toBe('FW: RE: Plans');
    expect(responseThreading('reply', original)).toEqual({
      inReplyTo: '<plans@remote.test>',
      references: ['<first@remote.test>', '<second@remote.test>', '<plans@remote.test>'],
    });
    expect(responseThreading('forward', original)).toEqual({ inReplyTo: null, references: [] });
  });

  it('quotes the original under the new body: text stays text, HTML on either side makes HTML with the text escaped', () => {
    const text = responseBody({ type: 'Text', content: 'Yes.' }, original);
    expect(text.type).toBe('Text');
    expect(text.content).toMatch(/^Yes\.\r\n\r\n-----Original Message-----\r\nFrom: Friend <friend@remote\.test>\r\n/);
    expect(text.content).toContain('Shall we <meet>?');
    const html = responseBody({ type: 'HTML', content: '<html><body><p>Yes.</p></body></html>' }, original);
    expect(html.type).toBe('HTML');
    expect(html.content).toContain('<p>Yes.</p>');
    expect(html.content).toContain('Shall we &lt;meet&gt;?');
    expect(html.content.match(/<body>/g)).toHaveLength(1);
  });
});

describe('the MIME of a composed message', () => {
  const message = {
    from: { address: alice, name: 'Alice Archer' },
    to: [{ address: 'bob@parley.test', name: 'Bob' }],
    cc: [],
    bcc: [{ address: 'hidden@remote.test', name: null }],
    subject: 'Hello',
    body: { type: 'Text' as const, content: 'Hi Bob' },
    importance: 'High' as const,
    messageId: '<id@parley.test>',
    date: new Date('2026-12-03T10:00:00Z'),
    inReplyTo: '<plans@remote.test>',
    references: ['<plans@remote.test>'],
  };

  it('keeps Bcc on the sender’s copy only; the outgoing copy and a copy stripped of it match', async () => {
    const kept = await composeMessageMime(message, 'kept');
    const sent = await composeMessageMime(message, 'sent');
    expect(kept.toString()).toMatch(/^Bcc: hidden@remote\.test\r$/m);
    expect(sent.toString()).not.toMatch(/^Bcc:/im);
    expect(withoutBcc(kept).toString()).not.toMatch(/^Bcc:/im);
    const parsed = await simpleParser(sent);
    expect(parsed.messageId).toBe('<id@parley.test>');
    expect(parsed.inReplyTo).toBe('<plans@remote.test>');
    expect(sent.toString()).toMatch(/^Importance: High\r$/m);
    // The store reads it back as the message's Importance (EWS item:Importance).
    expect((await parseInboundMail(sent, { defaultRegion: null })).importance).toBe('High');
    expect(parsed.text?.trim()).toBe('Hi Bob');
  });
});
