import type { MessageSummary, MessageView } from '@parley/contracts';
import { formatXsDateTime } from '@parley/ews-gateway/soap';

/** PR_MESSAGE_FLAGS bits Parley can state: read, unmodified (a received message is), has attachments. */
const MSGFLAG_READ = 0x01;
const MSGFLAG_UNMODIFIED = 0x02;
const MSGFLAG_HASATTACH = 0x10;

/** PR_IMPORTANCE: 0 low, 1 normal, 2 high. */
const IMPORTANCE: Readonly<Record<MessageSummary['importance'], number>> = { Low: 0, Normal: 1, High: 2 };

type Source = MessageSummary & Partial<Pick<MessageView, 'attachments' | 'headers'>>;
const time = (iso: string) => formatXsDateTime(new Date(iso));

/**
 * The MAPI properties of a message Parley derives, by the key `extendedPropertyKey` gives. Tagged:
 * size, flags, internet message id, last modification, class, subject, importance, delivery and
 * submit times, and the Unified Messaging ones Exchange sets on voicemail (MS-OXOUM:
 * PidTagVoiceMessageDuration 0x6801, PidTagSenderTelephoneNumber 0x6802,
 * PidTagVoiceMessageSenderName 0x6803, PidTagVoiceMessageAttachmentOrder 0x6805). Internet headers
 * (PS_INTERNET_HEADERS): the voicemail ones from the recognised facts (the same values whatever
 * phone system wrote the mail), any other from the message's own header lines when GetItem read them.
 * PR_LAST_VERB_EXECUTED (0x1081) and PR_INTERNET_ARTICLE_NUMBER (0x0e23) are not known: left out.
 */
const TAGGED: Readonly<Record<string, (m: Source) => string | undefined>> = {
  'tag:0x0e08': (m) => String(m.size),
  'tag:0x0e07': (m) => String((m.isRead ? MSGFLAG_READ : 0) | MSGFLAG_UNMODIFIED | (m.hasAttachments ? MSGFLAG_HASATTACH : 0)),
  'tag:0x0e1b': (m) => String(m.hasAttachments),
  'tag:0x1035': (m) => m.internetMessageId ?? undefined,
  'tag:0x3008': (m) => time(m.lastModifiedAt),
  'tag:0x001a': (m) => m.itemClass,
  'tag:0x0037': (m) => m.subject,
  'tag:0x0017': (m) => String(IMPORTANCE[m.importance]),
  'tag:0x0e06': (m) => time(m.receivedAt),
  'tag:0x0039': (m) => (m.sentAt === null ? undefined : time(m.sentAt)),
  'tag:0x6801': (m) => nullable(m.voicemail?.durationSeconds),
  'tag:0x6802': (m) => callerNumber(m),
  'tag:0x6803': (m) => nullable(m.voicemail?.callerName),
  'tag:0x6805': (m) => attachmentOrder(m),
  'header:x-voicemessageduration': (m) => nullable(m.voicemail?.durationSeconds),
  'header:x-callingtelephonenumber': (m) => callerNumber(m),
  'header:x-voicemessagesendername': (m) => nullable(m.voicemail?.callerName),
  'header:x-attachmentorder': (m) => attachmentOrder(m),
};

export function messagePropertyValue(key: string | undefined, message: Source): string | undefined {
  if (key === undefined) return undefined;
  const derived = TAGGED[key];
  if (derived !== undefined) return derived(message);
  if (key.startsWith('header:') && message.headers !== undefined) {
    const name = key.slice('header:'.length);
    return message.headers.find((h) => h.name.toLowerCase() === name)?.value.trim();
  }
  return undefined;
}

function nullable(value: string | number | null | undefined): string | undefined {
  return value === null || value === undefined ? undefined : String(value);
}

function callerNumber(m: Source): string | undefined {
  return nullable(m.voicemail?.callerNumber ?? m.voicemail?.callerNumberOriginal);
}

/** The recording's file name (Exchange lists the audio attachments' names); needs the attachment list (GetItem). */
function attachmentOrder(m: Source): string | undefined {
  const audio = m.voicemail?.audioAttachmentId;
  if (!audio || m.attachments === undefined) return undefined;
  return m.attachments.find((a) => a.id === audio)?.name;
}
