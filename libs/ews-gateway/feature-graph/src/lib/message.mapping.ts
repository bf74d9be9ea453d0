import type { AttachmentSummary, MailAddress, MessageSummary, MessageView } from '@parley/contracts';
import type { GraphFileAttachment, GraphMessage, GraphRecipient } from '@parley/graph';

const importanceOf: Record<MessageSummary['importance'], GraphMessage['importance']> = { Low: 'low', Normal: 'normal', High: 'high' };

function recipient(address: MailAddress): GraphRecipient {
  return { emailAddress: { name: address.name ?? address.address, address: address.address } };
}

/**
 * A message of the store (its summary, or the whole view of one message) as Graph's message.
 * `sender` is `from`: the store keeps no separate Sender. The body only with the whole view (one
 * message), as text or HTML as stored; extended properties only when asked (`properties`).
 */
export function toGraphMessage(message: MessageSummary | MessageView, properties?: { id: string; value: string }[]): GraphMessage {
  const from = message.from === null || message.from.address === '' ? null : recipient(message.from);
  const body =
    'body' in message && message.body !== null
      ? { contentType: message.body.type === 'HTML' ? ('html' as const) : ('text' as const), content: message.body.content }
      : undefined;
  return {
    id: message.id,
    changeKey: message.changeKey,
    createdDateTime: message.receivedAt,
    lastModifiedDateTime: message.lastModifiedAt,
    receivedDateTime: message.receivedAt,
    sentDateTime: message.sentAt,
    subject: message.subject,
    importance: importanceOf[message.importance],
    isRead: message.isRead,
    hasAttachments: message.hasAttachments,
    internetMessageId: message.internetMessageId,
    from,
    sender: from,
    toRecipients: message.to.filter((a) => a.address !== '').map(recipient),
    ccRecipients: message.cc.filter((a) => a.address !== '').map(recipient),
    ...(body ? { body } : {}),
    ...(properties ? { singleValueExtendedProperties: properties } : {}),
  };
}

/** An attachment as Graph's fileAttachment, without its bytes (Parley's attachments are all files). */
export function toGraphFileAttachment(attachment: AttachmentSummary): GraphFileAttachment {
  return {
    '@odata.type': '#microsoft.graph.fileAttachment',
    id: attachment.id,
    name: attachment.name,
    contentType: attachment.contentType,
    size: attachment.size,
    isInline: attachment.isInline,
    contentId: attachment.contentId,
  };
}
