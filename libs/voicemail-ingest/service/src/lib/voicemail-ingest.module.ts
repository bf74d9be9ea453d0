import { ConfigError, type MailboxStoreConfig, type OutboundMailConfig, type ServiceDefinition, type SmtpConfig } from '@parley/config';
import { DynamicModule, Module } from '@nestjs/common';
import type { ServiceDatabaseSettings } from '@parley/config';
import { createVoicemailIngestDataSource, VoicemailIngestDataAccessModule } from '@parley/voicemail-ingest/data-access';
import { MailboxFeatureModule } from '@parley/voicemail-ingest/feature-mailbox';
import { HttpDropModule, type VoicemailDropOptions } from '@parley/voicemail-ingest/feature-http-drop';
import { OutboundMailModule } from '@parley/voicemail-ingest/feature-outbound';
import { SmtpModule } from '@parley/voicemail-ingest/feature-smtp';

/** voicemail-ingest: the mailbox message store, the SMTP/HTTP voicemail drop and the outbound mail queue. */
@Module({})
export class VoicemailIngestModule {
  static forRoot(
    database: ServiceDatabaseSettings,
    mailbox: MailboxStoreConfig,
    fronts: { drop: VoicemailDropOptions; smtp: SmtpConfig },
    outbound: OutboundMailConfig,
  ): DynamicModule {
    return {
      module: VoicemailIngestModule,
      imports: [
        VoicemailIngestDataAccessModule.forRoot(database, mailbox.blobs),
        MailboxFeatureModule.forRoot({
          quotaBytes: mailbox.quotaBytes,
          orphanGraceMs: mailbox.orphanGraceMs,
          sweepIntervalMs: mailbox.sweepIntervalMs,
        }),
        HttpDropModule.forRoot(fronts.drop),
        // Exports OutboundMail (global): the SMTP front relays a signed-in submission's external recipients through it.
        // Also the OOF auto-replies: a listener of the store's Inbox deliveries that queues through OutboundMail.
        OutboundMailModule.forRoot(outbound, { knownSenderDays: mailbox.oofKnownSenderDays }),
        // Takes MailboxDelivery from MailboxFeatureModule (global).
        SmtpModule.forRoot(fronts.smtp),
      ],
    };
  }

  static readonly createDataSource = createVoicemailIngestDataSource;
}

/** How to run voicemail-ingest: alone (its app) or inside the embedded process. */
export const voicemailIngestService: ServiceDefinition = {
  name: 'voicemail-ingest',
  // It answers the gateway's mailbox.* requests.
  consumes: true,
  // SMTP AUTH and the HTTP drop's failed PBX keys go through the process's sign-in throttle.
  authenticates: true,
  requestTopics: [],
  module: ({ database, config }) => {
    // Set whenever the app runs voicemail-ingest (its schema part is then parsed).
    if (
      config.mailbox === undefined ||
      config.voicemailDrop === undefined ||
      config.smtp === undefined ||
      config.outboundMail === undefined
    )
      throw new ConfigError(['voicemail-ingest: the app was configured without its variables']);
    return VoicemailIngestModule.forRoot(
      database,
      config.mailbox,
      {
        drop: { ...config.voicemailDrop, bodyTimeoutMs: config.http.bodyTimeoutMs },
        smtp: config.smtp,
      },
      config.outboundMail,
    );
  },
  createDataSource: (url) => VoicemailIngestModule.createDataSource(url),
};
