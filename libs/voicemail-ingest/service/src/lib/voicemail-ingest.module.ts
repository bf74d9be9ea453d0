import { ConfigError, type ServiceDefinition } from '@parley/config';
import { DynamicModule, Module } from '@nestjs/common';
import { createVoicemailIngestDataSource, VoicemailIngestDataAccessModule } from '@parley/voicemail-ingest/data-access';
import { SmtpModule } from '@parley/voicemail-ingest/feature-smtp';
import type { ServiceDatabaseSettings, SmtpConfig } from '@parley/config';

/** voicemail-ingest: the mailbox message store and the SMTP/HTTP voicemail drop. */
@Module({})
export class VoicemailIngestModule {
  static forRoot(database: ServiceDatabaseSettings, smtp: SmtpConfig): DynamicModule {
    // The SMTP front takes MailboxDelivery from the mailbox store's module (global; SmtpModule.forRoot's `imports` otherwise).
    return { module: VoicemailIngestModule, imports: [VoicemailIngestDataAccessModule.forRoot(database), SmtpModule.forRoot(smtp)] };
  }

  static readonly createDataSource = createVoicemailIngestDataSource;
}

/** How to run voicemail-ingest: alone (its app) or inside the embedded process. */
export const voicemailIngestService: ServiceDefinition = {
  name: 'voicemail-ingest',
  consumes: false,
  authenticates: true,
  requestTopics: [],
  module: ({ database, config }) => VoicemailIngestModule.forRoot(database, requireSmtpConfig(config.smtp)),
  createDataSource: (url) => VoicemailIngestModule.createDataSource(url),
};

function requireSmtpConfig(smtp: SmtpConfig | undefined): SmtpConfig {
  if (!smtp) throw new ConfigError(['voicemail-ingest: the app was configured without the PARLEY_SMTP_* variables']);
  return smtp;
}
