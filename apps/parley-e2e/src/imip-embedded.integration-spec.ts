// Meetings with attendees outside Parley (iMIP, RFC 6047) in the built embedded app
// (the scenario: imip.scenarios.ts).
import { SmtpSink } from '@parley/testing';
import { type EmbeddedParley, ewsService, startEmbeddedParley, useNodeXhr } from './ews-embedded';
import { inviteExternalAttendeeAndAccept } from './imip.scenarios';

const alice = 'alice@parley.test';

describe('iMIP: a meeting with an external attendee (embedded app)', () => {
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

  it("mails the invitation to the external attendee, and the attendee's REPLY by SMTP updates the organizer's item", async () => {
    await inviteExternalAttendeeAndAccept({
      service: ewsService(parley.base, alice, 'alice-demo-pw'),
      alice,
      smarthost,
      relayPort: parley.smtp.relay,
    });
  });
});
