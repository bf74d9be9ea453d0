import type { MailParsingOptions } from '@parley/voicemail-ingest/mail-parsing';

/** What the message store is configured with (PARLEY_MAILBOX_*). */
export abstract class MailboxSettings {
  /** Octets a mailbox's messages may take; null: unlimited. */
  abstract readonly quotaBytes: number | null;
  abstract readonly parsing: MailParsingOptions;
}
