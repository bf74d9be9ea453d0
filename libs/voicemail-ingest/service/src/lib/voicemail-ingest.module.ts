import { ConfigError, type MailboxStoreConfig, type ServiceDefinition, type SmtpConfig } from '@parley/config';
import { DynamicModule, Module } from '@nestjs/common';
import type { ServiceDatabaseSettings } from '@parley/config';
import { createVoicemailIngestDataSource, VoicemailIngestDataAccessModule } from '@parley/voicemail-ingest/data-access';
import { MailboxFeatureModule } from '@parley/voicemail-ingest/feature-mailbox';
import { HttpDropModule, type VoicemailDropOptions } from '@parley/voicemail-ingest/feature-http-drop';
import { SmtpModule } from '@parley/voicemail-ingest/feature-smtp';

/** voicemail-ingest: the mailbox message store and the SMTP/HTTP voicemail drop. */
@Module({})
export class VoicemailIngestModule {
  static forRoot(
    database: ServiceDatabaseSettings,
    mailbox: MailboxStoreConfig,
    fronts: { drop: VoicemailDropOptions; smtp: SmtpConfig },
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
    if (config.mailbox === undefined || config.voicemailDrop === undefined || config.smtp === undefined)
      throw new ConfigError(['voicemail-ingest: the app was configured without its variables']);
    return VoicemailIngestModule.forRoot(database, config.mailbox, {
      drop: { ...config.voicemailDrop, bodyTimeoutMs: config.http.bodyTimeoutMs },
      smtp: config.smtp,
    });
  },
  createDataSource: (url) => VoicemailIngestModule.createDataSource(url),
};
