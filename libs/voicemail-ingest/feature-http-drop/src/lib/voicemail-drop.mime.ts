import MailComposer from 'nodemailer/lib/mail-composer';
import type { DropAudio } from './voicemail-drop.multipart';
import type { VoicemailDropMetadata } from './voicemail-drop.metadata';

export interface DropMailContext {
  /** Lower-cased recipient addresses, in the order given. */
  recipients: readonly string[];
  /** The PBX key's name, for the trace header. */
  keyName: string;
  clientAddress: string;
  /** Names this drop in the trace header and the Message-ID. */
  dropId: string;
  now: Date;
}

/**
 * The drop as the mail Exchange Unified Messaging would have sent (../shared/voicemail-mail.md):
 * `Content-Class: voice-uc`, the caller in `X-CallingTelephoneNumber` / `X-VoiceMessageSenderName`,
 * the length in `X-VoiceMessageDuration`, the recording named by `X-AttachmentOrder`, the subject
 * "Voice Mail from <caller> (<N> seconds)" and the transcription as the body. So the store
 * recognises it like any UM voicemail, and EWS clients show it as one (MimeContent included).
 */
export async function composeDropMail(metadata: VoicemailDropMetadata, audio: DropAudio, context: DropMailContext): Promise<Buffer> {
  const callerNumber = metadata.callerNumber ?? null;
  const callerName = metadata.callerName ?? null;
  const caller = callerName ?? callerNumber ?? 'Unknown caller';
  const seconds = metadata.durationSeconds;
  const subject = `Voice Mail from ${caller} (${seconds} ${seconds === 1 ? 'second' : 'seconds'})`;
  const domain = context.recipients[0].split('@')[1] ?? 'localhost';
  const sent = metadata.receivedAt ? new Date(metadata.receivedAt) : context.now;
  const headers: Record<string, string> = {
    'Content-Class': 'voice-uc',
    'X-VoiceMessageDuration': String(seconds),
    'X-AttachmentOrder': audio.filename,
    'X-Parley-Drop-Id': context.dropId,
  };
  if (callerNumber !== null) headers['X-CallingTelephoneNumber'] = callerNumber;
  if (callerName !== null) headers['X-VoiceMessageSenderName'] = callerName;
  const transcription = metadata.transcription ?? null;
  const text =
    transcription !== null && transcription.trim() !== ''
      ? transcription
      : `You received a voice mail from ${caller}${callerName !== null && callerNumber !== null ? ` (${callerNumber})` : ''}, ${seconds} seconds long.`;
  const composer = new MailComposer({
    // The caller has no mail address: the display name says who called, the address is the drop's own.
    from: { name: caller, address: `voicemail@${domain}` },
    to: context.recipients.join(', '),
    subject,
    date: sent,
    messageId: `<${context.dropId}@${domain}>`,
    headers,
    text,
    attachments: [{ filename: audio.filename, content: audio.bytes, contentType: audio.contentType, contentDisposition: 'attachment' }],
  });
  const mime = await composer.compile().build();
  return Buffer.concat([Buffer.from(receivedHeader(context), 'utf8'), mime]);
}

/** The front's trace header (RFC 5321 §4.4 in spirit), prepended as the delivery port expects. */
function receivedHeader(context: DropMailContext): string {
  const key = context.keyName.replace(/[^\x21-\x7e]/g, '_').slice(0, 100);
  return `Received: from ${key} ([${context.clientAddress}]) by parley voicemail-ingest with HTTP id ${context.dropId}; ${context.now.toUTCString()}\r\n`;
}
