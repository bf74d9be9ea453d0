import { MESSAGE_ITEM_CLASS, VOICEMAIL_ITEM_CLASS, VOICEMAIL_ITEM_CLASS_PREFIX, type MailAddress } from '@parley/contracts';
import { looksLikeNumber, normalizeCallerNumber } from './caller-number';
import type { MissedCall, ParsedAttachment, RecognizedVoicemail } from './inbound-mail';
import { cleanCallerName, collapseSpace, parseDurationSeconds, splitCallerId, transcriptionFrom } from './voicemail-text';

/** A voicemail notice without caller audio (Exchange UM's class for it). */
export const VOICEMAIL_WITHOUT_AUDIO_ITEM_CLASS = VOICEMAIL_ITEM_CLASS_PREFIX + '.UM';
export const MISSED_CALL_ITEM_CLASS = 'IPM.Note.Microsoft.Missed.Voice';

/** What recognition needs of a parsed mail. */
export interface RecognitionInput {
  /** The first field of that name, decoded; null when absent. */
  readonly header: (name: string) => string | null;
  readonly headerNames: readonly string[];
  readonly subject: string;
  readonly from: MailAddress | null;
  /** The text body (or the HTML body as text); null when there is none. */
  readonly bodyText: string | null;
  readonly attachments: readonly ParsedAttachment[];
  readonly defaultRegion: string | null;
}

export interface Recognition {
  readonly itemClass: string;
  readonly voicemail: RecognizedVoicemail | null;
  readonly missedCall: MissedCall | null;
  readonly defects: readonly string[];
}

const AUDIO_EXTENSIONS = new Set([
  'wav',
  'mp3',
  'wma',
  'gsm',
  'ogg',
  'oga',
  'opus',
  'm4a',
  'aac',
  'amr',
  'awb',
  'flac',
  'au',
  'snd',
  'aif',
  'aiff',
]);
const UNTYPED_CONTENT = new Set(['application/octet-stream', 'application/x-octet-stream', 'application/unknown', 'binary/octet-stream']);
/** A generic audio mail may say a few words around the recording; more than this and the text is the substance. */
const MAX_GENERIC_BODY_CHARS = 1000;
/** Templated bodies are short: patterns only look at this much of a body, whatever its size. */
const TEMPLATE_SCAN_CHARS = 16 * 1024;
const MAX_CAPTION_CHARS = 998;

function bodyHead(input: RecognitionInput): string {
  return (input.bodyText ?? '').slice(0, TEMPLATE_SCAN_CHARS);
}

/** Tries each format of docs/voicemail-recognition.md in turn; an ordinary message when none fits. */
export function recognizeVoicemail(mail: RecognitionInput): Recognition {
  // Captions are short; a bounded subject keeps every pattern below linear in practice.
  const input = { ...mail, subject: mail.subject.slice(0, MAX_CAPTION_CHARS) };
  const defects: string[] = [];
  const audio = audioAttachments(input.attachments, defects);
  const facts = exchangeUm(input, audio) ?? asterisk(input, audio) ?? freeswitch(input, audio) ?? anyAudio(input, audio);
  if (facts === null) {
    return { itemClass: MESSAGE_ITEM_CLASS, voicemail: null, missedCall: null, defects };
  }
  if ('missedCall' in facts) {
    return { itemClass: MISSED_CALL_ITEM_CLASS, voicemail: null, missedCall: facts.missedCall, defects };
  }
  const itemClass = facts.audioAttachmentIndex === null ? VOICEMAIL_WITHOUT_AUDIO_ITEM_CLASS : VOICEMAIL_ITEM_CLASS;
  return { itemClass, voicemail: facts, missedCall: null, defects };
}

/** Indexes of attachments holding audio, non-empty ones only (an empty one is named in `defects`). */
function audioAttachments(attachments: readonly ParsedAttachment[], defects: string[]): number[] {
  const found: number[] = [];
  attachments.forEach((attachment, index) => {
    if (!isAudio(attachment)) return;
    if (attachment.content.length === 0) {
      defects.push(`audio attachment ${JSON.stringify(attachment.filename ?? `#${index}`)} is empty: not taken as a recording`);
      return;
    }
    found.push(index);
  });
  return found;
}

export function isAudio(attachment: ParsedAttachment): boolean {
  const type = attachment.contentType.toLowerCase();
  if (type.startsWith('audio/')) return true;
  return UNTYPED_CONTENT.has(type) && AUDIO_EXTENSIONS.has(extensionOf(attachment.filename));
}

function extensionOf(filename: string | null): string {
  const match = /\.([A-Za-z0-9]+)$/.exec(filename ?? '');
  return match?.[1]?.toLowerCase() ?? '';
}

type Facts = RecognizedVoicemail | { readonly missedCall: MissedCall };

function caller(
  input: RecognitionInput,
  number: string | null,
  name: string | null,
): Pick<RecognizedVoicemail, 'callerNumber' | 'callerNumberOriginal' | 'callerName'> {
  const normalized = normalizeCallerNumber(number, input.defaultRegion);
  return {
    callerNumber: normalized?.normalized ?? null,
    callerNumberOriginal: normalized?.original ?? null,
    callerName: cleanCallerName(name),
  };
}

/** "Voice Mail from <caller> (<N> seconds)" and "Missed call from <caller>": the caller, a number or a name. */
function captionCaller(subject: string, pattern: RegExp): { name: string | null; number: string | null } {
  const match = pattern.exec(subject.trim());
  const who = match?.[1]?.trim() ?? '';
  if (who.length === 0) return { name: null, number: null };
  return looksLikeNumber(who) ? { name: null, number: who } : splitCallerId(who);
}

const UM_VOICEMAIL_SUBJECT = /^(?:voice ?mail|voice message) from (.+?)(?:\s*\((\d+) seconds?\))?\s*$/i;
const UM_MISSED_SUBJECT = /^missed (?:phone )?call from (.+?)\s*$/i;

// Exchange UM / cloud voicemail: Content-Class, then the X-Calling… / X-VoiceMessage… headers, then the subject.
function exchangeUm(input: RecognitionInput, audio: number[]): Facts | null {
  const contentClass = input.header('content-class')?.trim().toLowerCase() ?? '';
  const number = input.header('x-callingtelephonenumber');
  const senderName = input.header('x-voicemessagesendername');
  const durationHeader = input.header('x-voicemessageduration');
  const isMissed = contentClass === 'missedcall';
  const isVoice = contentClass === 'voice' || contentClass.startsWith('voice-');
  // Another Content-Class (fax, a plain message) is not voice, whatever else the headers say.
  if (contentClass.length > 0 && !isMissed && !isVoice) return null;
  if (!isMissed && !isVoice && number === null && durationHeader === null) return null;
  if (isMissed) {
    const fromSubject = captionCaller(input.subject, UM_MISSED_SUBJECT);
    return { missedCall: caller(input, number ?? fromSubject.number, senderName ?? fromSubject.name) };
  }
  const fromSubject = captionCaller(input.subject, UM_VOICEMAIL_SUBJECT);
  const subjectSeconds = UM_VOICEMAIL_SUBJECT.exec(input.subject.trim())?.[2];
  return {
    source: 'exchange-um',
    audioAttachmentIndex: orderedAudio(input, audio),
    ...caller(input, number ?? fromSubject.number, senderName ?? fromSubject.name),
    durationSeconds: parseDurationSeconds(durationHeader) ?? parseDurationSeconds(subjectSeconds),
    transcription: transcriptionFrom(input.bodyText),
  };
}

/** X-AttachmentOrder lists the attachments' file names, the recording first. */
function orderedAudio(input: RecognitionInput, audio: number[]): number | null {
  const order = (input.header('x-attachmentorder') ?? '')
    .split(/[;,]/)
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name.length > 0);
  for (const name of order) {
    const index = audio.find((i) => input.attachments[i]?.filename?.toLowerCase() === name);
    if (index !== undefined) return index;
  }
  return audio[0] ?? null;
}

const ASTERISK_SUBJECT = /^\[PBX\]: New message (\d+) in mailbox (\S+)\s*$/i;
const ASTERISK_BODY = /left a (\d+:\d{2}(?::\d{2})?) long message \(number (\d+)\) in mailbox (\S+) from (.+?), on (.+?),? so you might/i;
const ASTERISK_RECORDING = /^msg\d{4}\.[a-z0-9]+$/i;

// Asterisk app_voicemail: X-Asterisk-VM-* headers first, the default subject and body as fallback.
function asterisk(input: RecognitionInput, audio: number[]): Facts | null {
  const hasHeaders = input.headerNames.some((name) => name.startsWith('x-asterisk-vm-') || name.startsWith('x-asterisk-callerid'));
  const subject = ASTERISK_SUBJECT.exec(input.subject.trim());
  const body = ASTERISK_BODY.exec(collapseSpace(bodyHead(input)));
  if (!hasHeaders && subject === null && body === null) return null;
  const bodyCaller = body?.[4] ? splitCallerId(body[4]) : { name: null, number: null };
  const number = input.header('x-asterisk-vm-caller-id-num') ?? input.header('x-asterisk-callerid') ?? bodyCaller.number;
  const name = input.header('x-asterisk-vm-caller-id-name') ?? input.header('x-asterisk-calleridname') ?? bodyCaller.name;
  const extension = input.header('x-asterisk-vm-extension') ?? subject?.[2] ?? body?.[3] ?? null;
  const context = input.header('x-asterisk-vm-context');
  const recording = audio.find((i) => ASTERISK_RECORDING.test(input.attachments[i]?.filename ?? ''));
  return {
    source: 'asterisk',
    audioAttachmentIndex: recording ?? audio[0] ?? null,
    ...caller(input, number, name),
    durationSeconds: parseDurationSeconds(input.header('x-asterisk-vm-duration')) ?? parseDurationSeconds(body?.[1]),
    transcription: null,
    pbxMailbox: extension === null ? null : context ? `${extension}@${context}` : extension,
  };
}

const FREESWITCH_SUBJECT = /^voicemail from (.+?)(?:\s+(\d{1,6}:\d{2}(?::\d{2})?))?\s*$/i;
const FREESWITCH_DEFAULT_BODY = /^(\d+) second Voicemail from (.*)$/i;

// FreeSWITCH mod_voicemail: X-Voicemail-Length (always added), the stock template's body lines, the subject.
function freeswitch(input: RecognitionInput, audio: number[]): Facts | null {
  const length = input.header('x-voicemail-length');
  const fromName = input.from?.name ?? '';
  const mailer = input.header('x-mailer') ?? '';
  const body = bodyHead(input);
  const line = (label: string): string | null => new RegExp(`^[ \\t]*${label}:(.*)$`, 'im').exec(body)?.[1]?.trim() || null;
  const defaultBody = FREESWITCH_DEFAULT_BODY.exec(collapseSpace(body));
  const subject = FREESWITCH_SUBJECT.exec(input.subject.trim());
  const templated = subject !== null && line('Duration') !== null && line('Account') !== null;
  // Only the stock template's mailer and the default sender: a list mail from "FreeSWITCH users" is not voicemail.
  const byMailer = /^freeswitch\b/i.test(mailer.trim()) || /mod_voicemail/i.test(fromName);
  if (length === null && !templated && !byMailer && !(subject !== null && defaultBody !== null)) return null;
  const who = splitCallerId(line('From') ?? defaultBody?.[2] ?? subject?.[1] ?? '');
  const account = line('Account') ?? (/mod_voicemail/i.test(fromName) ? (input.from?.address ?? null) : null);
  return {
    source: 'freeswitch',
    audioAttachmentIndex: audio[0] ?? null,
    ...caller(input, who.number, who.name),
    durationSeconds:
      parseDurationSeconds(length) ??
      parseDurationSeconds(line('Duration')) ??
      parseDurationSeconds(defaultBody?.[1]) ??
      parseDurationSeconds(subject?.[2]),
    transcription: null,
    pbxMailbox: account || null,
  };
}

const GENERIC_SUBJECT = /(?:voice ?mail|voice message|message) from (.+?)(?:\s*\((\d+) seconds?\)|\s+(\d{1,6}:\d{2}(?::\d{2})?))?\s*$/i;

// Anything else whose substance is one recording: the caller from the subject or the From header.
function anyAudio(input: RecognitionInput, audio: number[]): Facts | null {
  if (audio.length === 0) return null;
  const otherFiles = input.attachments.some((attachment, index) => !audio.includes(index) && !attachment.inline && !isAudio(attachment));
  if (otherFiles || collapseSpace(bodyHead(input)).length > MAX_GENERIC_BODY_CHARS) return null;
  const caption = GENERIC_SUBJECT.exec(input.subject.trim());
  const fromSubject = caption?.[1] ? (looksLikeNumber(caption[1]) ? { name: null, number: caption[1] } : splitCallerId(caption[1])) : null;
  const fromName = input.from?.name ?? null;
  const fromLocal = input.from?.address.split('@')[0] ?? '';
  const number = fromSubject?.number ?? (fromName && looksLikeNumber(fromName) ? fromName : looksLikeNumber(fromLocal) ? fromLocal : null);
  const name = fromSubject?.name ?? (fromName && !looksLikeNumber(fromName) ? fromName : null);
  return {
    source: 'audio-attachment',
    audioAttachmentIndex: audio[0] ?? null,
    ...caller(input, number, name),
    durationSeconds: parseDurationSeconds(caption?.[2]) ?? parseDurationSeconds(caption?.[3]),
    transcription: null,
  };
}
