import type { MailAddress, VoicemailSource } from '@parley/contracts';

/**
 * A mail as the message store needs it: the fields EWS shows, the body, the attachments with their
 * bytes, and what recognition made of it. Produced by `parseInboundMail` from the raw MIME, which
 * the store keeps unchanged beside it.
 */
export interface ParsedInboundMail {
  readonly subject: string;
  readonly from: MailAddress | null;
  readonly to: readonly MailAddress[];
  readonly cc: readonly MailAddress[];
  /** The Date header, when valid. */
  readonly sentAt: Date | null;
  readonly internetMessageId: string | null;
  readonly importance: 'Low' | 'Normal' | 'High';
  /** Header fields in order, values unfolded and decoded (RFC 2047). */
  readonly headers: readonly { readonly name: string; readonly value: string }[];
  /** The HTML part when there is one, else the text part. */
  readonly body: { readonly type: 'HTML' | 'Text'; readonly content: string } | null;
  readonly attachments: readonly ParsedAttachment[];
  /** `IPM.Note`, or a voicemail / missed-call class when recognised. */
  readonly itemClass: string;
  readonly voicemail: RecognizedVoicemail | null;
  /** What was wrong with the MIME but did not stop it from being stored (for the log). */
  readonly defects: readonly string[];
}

export interface ParsedAttachment {
  readonly filename: string | null;
  readonly contentType: string;
  readonly content: Buffer;
  readonly contentId: string | null;
  readonly inline: boolean;
}

/** The facts of a recognised voicemail (../shared/voicemail-mail.md); the audio is `attachments[audioAttachmentIndex]`. */
export interface RecognizedVoicemail {
  readonly source: Exclude<VoicemailSource, 'http-drop'>;
  readonly audioAttachmentIndex: number | null;
  readonly callerNumber: string | null;
  readonly callerNumberOriginal: string | null;
  readonly callerName: string | null;
  readonly durationSeconds: number | null;
  readonly transcription: string | null;
}

export interface MailParsingOptions {
  /** ISO 3166 region for numbers without a country code (E.164 normalisation); null: leave them as given. */
  readonly defaultRegion: string | null;
}
