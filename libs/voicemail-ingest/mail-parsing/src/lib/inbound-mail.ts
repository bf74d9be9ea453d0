import type { MailAddress, VoicemailSource } from '@parley/contracts';

/**
 * A mail as the message store needs it: the fields EWS shows, the body, the attachments with their
 * bytes, and what recognition made of it. Produced by `parseInboundMail` from the raw MIME, which
 * the store keeps unchanged beside it. docs/voicemail-recognition.md says where each fact comes from.
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
  /** Header fields in order, values unfolded and decoded (RFC 2047); at most `limits.maxHeaderFields`. */
  readonly headers: readonly { readonly name: string; readonly value: string }[];
  /** The HTML part when there is one, else the text part. */
  readonly body: { readonly type: 'HTML' | 'Text'; readonly content: string } | null;
  readonly attachments: readonly ParsedAttachment[];
  /** `IPM.Note`, or a voicemail / missed-call class when recognised. */
  readonly itemClass: string;
  /** Set for voicemail (with or without audio); null for missed-call notices and ordinary mail. */
  readonly voicemail: RecognizedVoicemail | null;
  /** Added with recognition: the caller of an Exchange missed-call notice (`IPM.Note.Microsoft.Missed.Voice`), else null. */
  readonly missedCall?: MissedCall | null;
  /** The iCalendar object a calendar client sent (iMIP invitation, reply, cancellation), else null. */
  readonly calendar?: CalendarPart | null;
  /** Added with recognition: true when a limit (`MailParsingLimits`) cut parts or header fields off; `defects` says which. */
  readonly truncated?: boolean;
  /** What was wrong with the MIME but did not stop it from being stored (for the log). */
  readonly defects: readonly string[];
}

export interface ParsedAttachment {
  readonly filename: string | null;
  /** As the part declared it (lower-case, no parameters); `application/octet-stream` when it declared none. */
  readonly contentType: string;
  readonly content: Buffer;
  readonly contentId: string | null;
  readonly inline: boolean;
}

/** The facts of a recognised voicemail (../shared/voicemail-mail.md); the audio is `attachments[audioAttachmentIndex]`. */
export interface RecognizedVoicemail {
  readonly source: Exclude<VoicemailSource, 'http-drop'>;
  /** The recording; null for a voicemail notice without (non-empty) audio. */
  readonly audioAttachmentIndex: number | null;
  /** E.164 when it could be normalised, else the digits as given (extensions, short numbers); at most 64 characters. */
  readonly callerNumber: string | null;
  /** Exactly as the phone system wrote it (at most 256 characters). */
  readonly callerNumberOriginal: string | null;
  readonly callerName: string | null;
  readonly durationSeconds: number | null;
  readonly transcription: string | null;
  /** Added with recognition: the phone system's own mailbox id (Asterisk `extension@context`, FreeSWITCH account), if it said. */
  readonly pbxMailbox?: string | null;
}

/** A `text/calendar` part (iMIP, RFC 6047). */
export interface CalendarPart {
  /** The VCALENDAR's METHOD, upper-cased (REQUEST, REPLY, CANCEL, …); null when it has none. */
  readonly method: string | null;
  /** The part's text as sent. */
  readonly content: string;
}

export interface MissedCall {
  readonly callerNumber: string | null;
  readonly callerNumberOriginal: string | null;
  readonly callerName: string | null;
}

/** Bounds on what one mail may cost to parse; past them the rest is cut off and a defect says so. */
export interface MailParsingLimits {
  /** Header fields kept per MIME entity. */
  readonly maxHeaderFields: number;
  /** Bytes of one entity's header section. */
  readonly maxHeaderBytes: number;
  /** Multiparts nested in multiparts (the top-level multipart is depth 1). */
  readonly maxMultipartDepth: number;
  /** MIME parts in the whole mail (the parser below refuses more than 1000). */
  readonly maxParts: number;
}

export const DEFAULT_MAIL_PARSING_LIMITS: MailParsingLimits = {
  maxHeaderFields: 1000,
  maxHeaderBytes: 256 * 1024,
  maxMultipartDepth: 16,
  maxParts: 500,
};

export interface MailParsingOptions {
  /** ISO 3166 region for numbers without a country code (E.164 normalisation); null: leave them as given. */
  readonly defaultRegion: string | null;
  /** Any left out take `DEFAULT_MAIL_PARSING_LIMITS`. */
  readonly limits?: Partial<MailParsingLimits>;
  /** Base64 bodies of at least this many bytes are decoded natively, not by the MIME parser (default 16 KiB; tests vary it). */
  readonly elideBodiesFrom?: number;
}
