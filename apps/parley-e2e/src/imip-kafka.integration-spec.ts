// Meetings with attendees outside Parley (iMIP) in the distributed deployment — the four services as
// separate processes over their own Kafka broker and PostgreSQL: calendar-sync's
// `calendar.imip.outgoing.v1` reaches voicemail-ingest's group, and voicemail-ingest's
// `mailbox.imip.received.v1` calendar-sync's (the scenario: imip.scenarios.ts).
import { freePort, SmtpSink } from '@parley/testing';
import { inviteExternalAttendeeAndAccept } from './imip.scenarios';
import { KafkaDeployment, startKafkaDeployment } from './kafka-deployment';

describe('iMIP over Kafka (calendar-sync, voicemail-ingest, the gateway)', () => {
  let d: KafkaDeployment;
  let relayPort: number;
  const smarthost = new SmtpSink();

  beforeAll(async () => {
    await smarthost.start();
    relayPort = await freePort();
    d = await startKafkaDeployment({
      prefix: 'e2e-imip',
      users: ['alice'],
      env: {
        PARLEY_SMTP_RELAY_PORT: String(relayPort),
        PARLEY_SMTP_RELAY_CIDRS: '127.0.0.0/8',
        PARLEY_SMTP_SMARTHOST: `127.0.0.1:${smarthost.port}`,
        PARLEY_SMTP_SMARTHOST_TLS: 'opportunistic',
        PARLEY_SMTP_OUTBOUND_POLL_MAX_MS: '500',
      },
    });
  }, 240_000);

  afterAll(async () => {
    await d?.stop();
    await smarthost.stop();
  }, 120_000);

  it("mails the invitation to the external attendee, and the attendee's REPLY by SMTP updates the organizer's item", async () => {
    const alice = d.address('alice');
    await inviteExternalAttendeeAndAccept({ service: d.as(alice), alice, smarthost, relayPort });
  });
});
