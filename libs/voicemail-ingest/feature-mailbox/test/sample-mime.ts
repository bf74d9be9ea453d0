import { randomBytes } from 'node:crypto';

/** Sample mails for the store's specs, built as a PBX or a mail client would send them. */
export interface SampleAttachment {
  readonly filename: string;
  readonly contentType: string;
  readonly content: Buffer;
}

export interface SampleMail {
  readonly from?: string;
  readonly to?: readonly string[];
  readonly subject?: string;
  readonly text?: string;
  readonly date?: Date;
  readonly messageId?: string;
  readonly attachments?: readonly SampleAttachment[];
}

function base64Lines(content: Buffer): string {
  return (content.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');
}

/** A MIME message (multipart/mixed when it has attachments), with CRLF line ends. */
export function sampleMime(mail: SampleMail = {}): Buffer {
  const boundary = `b_${randomBytes(8).toString('hex')}`;
  const head = [
    `From: ${mail.from ?? 'Caller <pbx@pbx.example>'}`,
    `To: ${(mail.to ?? ['alice@parley.test']).join(', ')}`,
    `Subject: ${mail.subject ?? 'Hello'}`,
    `Date: ${(mail.date ?? new Date('2026-12-01T10:00:00Z')).toUTCString()}`,
    `Message-ID: ${mail.messageId ?? `<${randomBytes(8).toString('hex')}@pbx.example>`}`,
    'MIME-Version: 1.0',
  ];
  const text = mail.text ?? 'A message for you.';
  const attachments = mail.attachments ?? [];
  if (attachments.length === 0) {
    return Buffer.from([...head, 'Content-Type: text/plain; charset=utf-8', '', text, ''].join('\r\n'));
  }
  const parts = [
    ...head,
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    text,
  ];
  for (const a of attachments) {
    parts.push(
      `--${boundary}`,
      `Content-Type: ${a.contentType}; name="${a.filename}"`,
      'Content-Transfer-Encoding: base64',
      `Content-Disposition: attachment; filename="${a.filename}"`,
      '',
      base64Lines(a.content),
    );
  }
  parts.push(`--${boundary}--`, '');
  return Buffer.from(parts.join('\r\n'));
}

/** A WAV-like recording of `bytes` octets (RIFF header, random samples): distinct per call unless `seed` repeats. */
export function sampleAudio(bytes = 4096, seed?: number): Buffer {
  const body = seed === undefined ? randomBytes(bytes) : Buffer.alloc(bytes, seed);
  return Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WAVEfmt '), body]);
}

/** A voicemail as the generic audio-attachment recognition sees it: a mail whose substance is a WAV file. */
export function sampleVoicemailMime(opts: { to?: readonly string[]; audio?: Buffer; subject?: string } = {}): Buffer {
  return sampleMime({
    to: opts.to,
    subject: opts.subject ?? 'New voicemail from +49 30 1234567',
    text: 'You have a new voicemail.',
    attachments: [{ filename: 'msg0001.wav', contentType: 'audio/wav', content: opts.audio ?? sampleAudio() }],
  });
}
