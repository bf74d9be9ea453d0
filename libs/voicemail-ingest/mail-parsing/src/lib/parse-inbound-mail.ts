import { MESSAGE_ITEM_CLASS, VOICEMAIL_ITEM_CLASS } from '@parley/contracts';
import { type AddressObject, simpleParser } from 'mailparser';
import type { MailParsingOptions, ParsedAttachment, ParsedInboundMail, RecognizedVoicemail } from './inbound-mail';

// First cut (contracts step): generic audio-attachment recognition only; the formats of
// ../shared/voicemail-mail.md and the malformed-input cases come with the recognition work.

export async function parseInboundMail(raw: Buffer, _options: MailParsingOptions): Promise<ParsedInboundMail> {
  const parsed = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true });
  const attachments: ParsedAttachment[] = parsed.attachments.map((a) => ({
    filename: a.filename ?? null,
    contentType: a.contentType,
    content: a.content,
    contentId: a.cid ?? null,
    inline: a.contentDisposition === 'inline',
  }));
  const audio = attachments.findIndex((a) => a.contentType.toLowerCase().startsWith('audio/'));
  const voicemail: RecognizedVoicemail | null =
    audio < 0
      ? null
      : {
          source: 'audio-attachment',
          audioAttachmentIndex: audio,
          callerNumber: null,
          callerNumberOriginal: null,
          callerName: parsed.from?.value[0]?.name || null,
          durationSeconds: null,
          transcription: null,
        };
  return {
    subject: parsed.subject ?? '',
    from: firstAddress(parsed.from),
    to: addresses(parsed.to),
    cc: addresses(parsed.cc),
    sentAt: parsed.date ?? null,
    internetMessageId: parsed.messageId ?? null,
    importance: 'Normal',
    headers: parsed.headerLines.map((h) => ({ name: h.key, value: h.line.slice(h.line.indexOf(':') + 1).trim() })),
    body: parsed.html ? { type: 'HTML', content: parsed.html } : parsed.text ? { type: 'Text', content: parsed.text } : null,
    attachments,
    itemClass: voicemail ? VOICEMAIL_ITEM_CLASS : MESSAGE_ITEM_CLASS,
    voicemail,
    defects: [],
  };
}

function addresses(field: AddressObject | AddressObject[] | undefined): ParsedInboundMail['to'] {
  const list = field === undefined ? [] : Array.isArray(field) ? field : [field];
  return list.flatMap((o) => o.value).map((a) => ({ address: a.address ?? '', name: a.name || null }));
}

function firstAddress(field: AddressObject | undefined): ParsedInboundMail['from'] {
  return addresses(field)[0] ?? null;
}
