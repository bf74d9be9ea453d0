import { randomBytes } from 'node:crypto';

/** A PCM WAV of `bytes` bytes (8 kHz, 16-bit mono): a valid header, random samples (incompressible, like real audio). */
export function wavRecording(bytes: number): Buffer {
  const buffer = randomBytes(Math.max(bytes, 44));
  buffer.write('RIFF', 0, 'ascii');
  buffer.writeUInt32LE(buffer.length - 8, 4);
  buffer.write('WAVEfmt ', 8, 'ascii');
  buffer.writeUInt32LE(16, 16);
  buffer.writeUInt16LE(1, 20); // PCM
  buffer.writeUInt16LE(1, 22); // mono
  buffer.writeUInt32LE(8000, 24);
  buffer.writeUInt32LE(16000, 28);
  buffer.writeUInt16LE(2, 32);
  buffer.writeUInt16LE(16, 34);
  buffer.write('data', 36, 'ascii');
  buffer.writeUInt32LE(buffer.length - 44, 40);
  return buffer;
}

export interface UmVoicemailOptions {
  from: string;
  to: string;
  audio: Buffer;
  callerNumber?: string;
  callerName?: string;
  /** Default: the recording's length at 16,000 bytes per second. */
  durationSeconds?: number;
}

/** A voicemail mail in Exchange UM's form (../shared/voicemail-mail.md), CRLF line ends, ready for DATA. */
export function umVoicemailMail(options: UmVoicemailOptions): string {
  const { from, to, audio, callerNumber = '+4930123456', callerName = 'Test Caller' } = options;
  const seconds = options.durationSeconds ?? Math.round(audio.length / 16000);
  const boundary = `vm-${randomBytes(8).toString('hex')}`;
  return [
    `From: "PBX" <${from}>`,
    `To: <${to}>`,
    `Subject: Voice Mail from ${callerNumber} (${seconds} seconds)`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <${randomBytes(12).toString('hex')}@pbx.test>`,
    'Content-Class: voice-uc',
    `X-CallingTelephoneNumber: ${callerNumber}`,
    `X-VoiceMessageSenderName: ${callerName}`,
    `X-VoiceMessageDuration: ${seconds}`,
    'X-AttachmentOrder: voicemail.wav',
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    `You received a voice mail from ${callerName} at ${callerNumber}.`,
    `--${boundary}`,
    'Content-Type: audio/wav; name="voicemail.wav"',
    'Content-Disposition: attachment; filename="voicemail.wav"',
    'Content-Transfer-Encoding: base64',
    '',
    audio.toString('base64').replace(/.{76}/g, '$&\r\n'),
    `--${boundary}--`,
    '',
  ].join('\r\n');
}
