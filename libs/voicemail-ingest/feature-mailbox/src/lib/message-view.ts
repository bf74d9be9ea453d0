import {
  encodeAttachmentId,
  encodeMessageId,
  type AttachmentSummary,
  type MessageSummary,
  type MessageView,
  type VoicemailFacts,
} from '@parley/contracts';
import type { StoredAttachment, StoredMessage } from '@parley/voicemail-ingest/data-access';
import { randomBytes } from 'node:crypto';

/** A fresh opaque change key (every write replaces it). */
export function newChangeKey(): string {
  return randomBytes(12).toString('base64url');
}

export function voicemailFactsOf(m: StoredMessage): VoicemailFacts | null {
  const v = m.voicemail;
  if (v === null) return null;
  return {
    source: v.source,
    callerNumber: v.callerNumber,
    callerNumberOriginal: v.callerNumberOriginal,
    callerName: v.callerName,
    durationSeconds: v.durationSeconds,
    audioAttachmentId: v.audioAttachmentIndex === null ? null : encodeAttachmentId(m.mailbox, m.id, v.audioAttachmentIndex),
    audioContentType: v.audioContentType,
    transcription: v.transcription,
  };
}

export function messageSummary(m: StoredMessage): MessageSummary {
  return {
    id: encodeMessageId(m.mailbox, m.id),
    changeKey: m.changeKey,
    mailbox: m.mailbox,
    folder: m.folder,
    itemClass: m.itemClass,
    subject: m.subject,
    from: m.fromAddress,
    to: m.toAddresses,
    cc: m.ccAddresses,
    receivedAt: m.receivedAt.toISOString(),
    sentAt: m.sentAt === null ? null : m.sentAt.toISOString(),
    size: m.size,
    isRead: m.isRead,
    hasAttachments: m.hasAttachments,
    internetMessageId: m.internetMessageId,
    importance: m.importance,
    lastModifiedAt: m.lastModifiedAt.toISOString(),
    voicemail: voicemailFactsOf(m),
  };
}

export function attachmentSummary(m: StoredMessage, a: StoredAttachment): AttachmentSummary {
  return {
    id: encodeAttachmentId(m.mailbox, m.id, a.index),
    name: a.name,
    contentType: a.contentType,
    size: a.size,
    isInline: a.isInline,
    contentId: a.contentId,
  };
}

export function messageView(m: StoredMessage, attachments: readonly StoredAttachment[]): MessageView {
  return {
    ...messageSummary(m),
    body: m.bodyType === null ? null : { type: m.bodyType, content: m.body ?? '' },
    attachments: attachments.map((a) => attachmentSummary(m, a)),
    headers: m.headers,
  };
}
