// OOF auto-replies in the built embedded app: alice turns her out-of-office on with the real EWS
// client (SetUserOofSettings); calendar-sync's effective OOF reaches voicemail-ingest over the
// in-process bus; mail from an outside sender through the trusted relay is answered once, through
// the outbound queue, at the smarthost (a local SMTP sink), and never again in the same period.
import { SmtpSink, waitFor } from '@parley/testing';
import * as ews from 'ews-javascript-api';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import { Client } from 'pg';
import { type EmbeddedParley, ewsService, startEmbeddedParley, useNodeXhr } from './ews-embedded';
import { oofSettings } from './ews-oof.scenarios';

const alice = 'alice@parley.test';
const partner = 'partner@elsewhere.test';

describe('OOF auto-replies (embedded app, EWS SetUserOofSettings, SMTP relay, smarthost sink)', () => {
  let parley: EmbeddedParley;
  const smarthost = new SmtpSink();

  beforeAll(async () => {
    await smarthost.start();
    parley = await startEmbeddedParley({
      PARLEY_SMTP_SMARTHOST: `127.0.0.1:${smarthost.port}`,
      PARLEY_SMTP_SMARTHOST_TLS: 'opportunistic',
      PARLEY_SMTP_OUTBOUND_POLL_MAX_MS: '500',
    });
    useNodeXhr();
  }, 180_000);

  afterAll(async () => {
    await parley?.stop();
    await smarthost.stop();
  });

  async function query<T extends Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    const db = new Client({ connectionString: parley.databaseUrl() });
    await db.connect();
    try {
      return (await db.query<T>(sql, params)).rows;
    } finally {
      await db.end();
    }
  }

  async function relayMail(subject: string): Promise<void> {
    const relay = nodemailer.createTransport({ host: '127.0.0.1', port: parley.smtp.relay, secure: false, ignoreTLS: true });
    const raw = [
      `From: <${partner}>`,
      `To: <${alice}>`,
      `Subject: ${subject}`,
      `Message-ID: <${subject.replace(/\W+/g, '-')}@elsewhere.test>`,
      '',
      'Hello Alice.',
      '',
    ].join('\r\n');
    const sent = await relay.sendMail({ envelope: { from: partner, to: [alice] }, raw });
    relay.close();
    expect(sent.response).toMatch(/^250 /);
  }

  it('answers an outside sender once with the external reply, marked auto-replied, with the null sender', async () => {
    const service = ewsService(parley.base, alice, 'alice-demo-pw');
    await service.SetUserOofSettings(
      alice,
      oofSettings(ews.OofState.Enabled, ews.OofExternalAudience.All, 'Away (internal)', 'Away until Monday'),
    );
    // calendar-sync's due-queue announces the effective state; voicemail-ingest's read model follows it.
    await waitFor(
      async () => (await query(`SELECT 1 FROM voicemail_ingest.oof_reply_state WHERE mailbox = $1 AND active`, [alice])).length === 1,
      {
        timeoutMs: 10_000,
        what: "voicemail-ingest to learn that alice's OOF is on",
      },
    );

    await relayMail('Project kickoff');
    await waitFor(() => smarthost.received.length === 1, { timeoutMs: 15_000, what: 'the automatic reply at the smarthost' });
    const sunk = smarthost.received[0];
    expect(sunk).toMatchObject({ from: '', to: [partner] });
    const reply = await simpleParser(sunk.raw);
    expect(reply.subject).toBe('Automatic reply: Project kickoff');
    expect(reply.from?.value[0].address).toBe(alice);
    expect(reply.headers.get('auto-submitted')).toBe('auto-replied');
    expect(reply.inReplyTo).toBe('<Project-kickoff@elsewhere.test>');
    expect(reply.text?.trim()).toBe('Away until Monday');

    // A second mail in the same period: stored, not answered (the claim commits with the delivery, so this is final).
    await relayMail('Project kickoff, follow-up');
    const replies = await query(`SELECT id FROM voicemail_ingest.outbound_message WHERE envelope_from IS NULL`);
    expect(replies).toHaveLength(1);
    const inbox = await query<{ subject: string }>(`SELECT subject FROM voicemail_ingest.message WHERE mailbox = $1 AND folder = 'inbox'`, [
      alice,
    ]);
    expect(inbox.map((m) => m.subject).sort()).toEqual(['Project kickoff', 'Project kickoff, follow-up']);
    expect(smarthost.received).toHaveLength(1);
  });
});
