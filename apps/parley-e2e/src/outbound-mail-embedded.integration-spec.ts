// The outbound mail queue in the built embedded app: a signed-in submission to another domain is
// accepted (250) while the smarthost (a local SMTP sink) is down, the app is SIGKILLed while the
// message waits, and once the smarthost is up the restarted app delivers it, exactly once.
import { portOutsideEphemeralRange, SmtpSink, waitFor } from '@parley/testing';
import nodemailer from 'nodemailer';
import { Client } from 'pg';
import { type EmbeddedParley, startEmbeddedParley } from './ews-embedded';

const alice = 'alice@parley.test';
const partner = 'partner@elsewhere.test';

describe('outbound mail across a SIGKILL (embedded app)', () => {
  let parley: EmbeddedParley;
  const smarthost = new SmtpSink();
  let smarthostPort: number;

  beforeAll(async () => {
    // Nobody listens there until the test starts the sink; no client connection can take the port meanwhile.
    smarthostPort = await portOutsideEphemeralRange();
    parley = await startEmbeddedParley({
      PARLEY_SMTP_SMARTHOST: `127.0.0.1:${smarthostPort}`,
      PARLEY_SMTP_SMARTHOST_TLS: 'opportunistic',
      // Long enough between attempts that the kill below never lands in the middle of one.
      PARLEY_SMTP_OUTBOUND_RETRY_BASE_MS: '4000',
      PARLEY_SMTP_OUTBOUND_RETRY_MAX_MS: '4000',
      PARLEY_SMTP_OUTBOUND_POLL_MAX_MS: '500',
    });
  }, 180_000);

  afterAll(async () => {
    await smarthost.stop();
    await parley?.stop();
  });

  async function queued(): Promise<{ attempts: number; waitMs: number; state: string }[]> {
    const db = new Client({ connectionString: parley.databaseUrl() });
    await db.connect();
    try {
      const rows = await db.query<{ attempts: number; wait_ms: number; state: string }>(
        `SELECT m.attempts, extract(epoch FROM (m.next_attempt_at - now())) * 1000 AS wait_ms, r.state
           FROM voicemail_ingest.outbound_message m JOIN voicemail_ingest.outbound_recipient r ON r.message_id = m.id`,
      );
      return rows.rows.map((r) => ({ attempts: r.attempts, waitMs: Number(r.wait_ms), state: r.state }));
    } finally {
      await db.end();
    }
  }

  it('keeps a message queued while the smarthost is down through a SIGKILL, and delivers it after the restart', async () => {
    const submission = nodemailer.createTransport({
      host: '127.0.0.1',
      port: parley.smtp.submission,
      requireTLS: true,
      tls: { rejectUnauthorized: false },
      auth: { user: alice, pass: 'alice-demo-pw' },
    });
    const raw = [`From: <${alice}>`, `To: <${partner}>`, 'Subject: survives a kill', '', 'Still here after SIGKILL.', ''].join('\r\n');
    const sent = await submission.sendMail({ envelope: { from: alice, to: [partner] }, raw });
    submission.close();
    expect(sent.response).toMatch(/^250 /);

    // One attempt failed (nobody listens on the smarthost's port) and the next is seconds away.
    await waitFor(async () => (await queued()).some((m) => m.attempts >= 1 && m.state === 'pending' && m.waitMs > 1500), {
      timeoutMs: 20_000,
      what: 'a deferred attempt',
    });
    await parley.killAndRestart();
    await smarthost.start(smarthostPort);
    await waitFor(() => smarthost.received.length === 1, { timeoutMs: 30_000, what: 'delivery by the restarted app' });
    expect(smarthost.received[0]).toMatchObject({ from: alice, to: [partner] });
    expect(smarthost.received[0].raw.toString()).toContain('Still here after SIGKILL.');
    await waitFor(async () => (await queued()).every((m) => m.state === 'sent'), { timeoutMs: 10_000, what: 'the recipient marked sent' });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(smarthost.received).toHaveLength(1);
  });
});
