import { Injectable } from '@nestjs/common';
import {
  CommandErrorCodes,
  type CreateMessageRequest,
  decodeMessageId,
  encodeMessageId,
  MESSAGE_ITEM_CLASS,
  type MessageFolderKind,
  type SendMessageRequest,
  type SubmitMessageReply,
  Topics,
} from '@parley/contracts';
import type { Transaction } from '@parley/persistence';
import {
  BlobReferences,
  BlobStore,
  MailboxState,
  MessageRepository,
  StoredMessage,
  VoicemailIngestDatabase,
} from '@parley/voicemail-ingest/data-access';
import { parseInboundMail } from '@parley/voicemail-ingest/mail-parsing';
import { createHash } from 'node:crypto';
import addressparser from 'nodemailer/lib/addressparser';
import { ParticipantNames } from './conversation-history.service';
import { storedMessageOf } from './mailbox-delivery.service';
import { announceChange, settleMailbox, waitingFactsOf } from './mailbox-events';
import { OutboundMail, OutboundMailError } from './mailbox-ports';
import { MailboxSettings } from './mailbox-settings';
import { MailboxException } from './mailbox.exception';
import {
  type ComposedAddress,
  composeMessageMime,
  type OriginalMessage,
  responseBody,
  responseRecipients,
  responseSubject,
  responseThreading,
} from './message-composition.mime';
import { newChangeKey } from './message-view';

/** Limits of a message a mailbox sends (EWS CreateItem / SendItem). */
export abstract class SubmissionSettings {
  /** Most recipients (To, Cc and Bcc together) of one message: PARLEY_SMTP_MAX_RECIPIENTS, the SMTP front's limit too. */
  abstract readonly maxRecipients: number;
}

function notFound(): MailboxException {
  return new MailboxException(CommandErrorCodes.itemNotFound, 'The item does not exist in this mailbox.');
}

/** A command's message key: the same command (a redelivery) names the same message, so its reply can be given again. */
function messageKeyOf(commandId: string): string {
  const hex = createHash('sha256').update(`parley-submitted-message:${commandId}`).digest('hex');
  // A version-4-shaped uuid (variant bits set) so the key is a valid uuid.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${((parseInt(hex[16], 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Mail a mailbox writes and sends through EWS (CreateItem of a message or a response, SendItem):
 * the store composes the MIME, keeps the copy the client asked for (Drafts, Sent Items) and queues
 * the message on `OutboundMail` in the same transaction, so a sent message is never without its
 * copy nor a copy without its sending. Every recipient goes through the queue: a Parley mailbox
 * gets its copy through `MailboxDelivery` (the path SMTP takes, with its quota, retries and DSNs),
 * the others through the smarthost. With no smarthost, a recipient outside Parley refuses the
 * whole message and nothing is kept or sent.
 */
@Injectable()
export class MessageSubmissionService {
  constructor(
    private readonly db: VoicemailIngestDatabase,
    private readonly messages: MessageRepository,
    private readonly blobs: BlobStore,
    private readonly references: BlobReferences,
    private readonly outbound: OutboundMail,
    private readonly names: ParticipantNames,
    private readonly settings: MailboxSettings,
    private readonly limits: SubmissionSettings,
  ) {}

  /** CreateItem of a message or of a reply / reply all / forward, with its disposition. */
  async create(commandId: string, req: CreateMessageRequest, now = new Date()): Promise<SubmitMessageReply> {
    const key = messageKeyOf(commandId);
    let to: ComposedAddress[] = [...req.to];
    let cc: ComposedAddress[] = [...req.cc];
    let subject = req.subject ?? '';
    let body = req.body;
    let threading: { inReplyTo: string | null; references: string[] } = { inReplyTo: null, references: [] };
    if (req.respondsTo) {
      const original = await this.original(req.mailbox, req.respondsTo.itemId);
      const kind = req.respondsTo.kind;
      const implied = responseRecipients(kind, original, req.mailbox);
      to = unique([...implied.to, ...to]);
      cc = unique([...implied.cc, ...cc]);
      subject = req.subject ?? responseSubject(kind, original.subject);
      body = responseBody(req.body, original);
      threading = responseThreading(kind, original);
    }
    const recipients = this.recipientsOf([...to, ...cc, ...req.bcc], req.disposition !== 'SaveOnly');
    const composed = {
      from: { address: req.mailbox, name: await this.names.displayNameOf(req.mailbox) },
      to,
      cc,
      bcc: [...req.bcc],
      subject,
      body,
      importance: req.importance,
      messageId: `<${key}@${req.mailbox.slice(req.mailbox.lastIndexOf('@') + 1)}>`,
      date: now,
      ...threading,
    };
    const keep: MessageFolderKind | null =
      req.disposition === 'SendOnly' ? null : (req.saveTo ?? (req.disposition === 'SaveOnly' ? 'drafts' : 'sentitems'));
    const kept = keep === null ? null : await composeMessageMime(composed, 'kept');
    const sent = req.disposition === 'SaveOnly' ? null : await composeMessageMime(composed, 'sent');
    const row = kept === null || keep === null ? null : await this.prepareCopy(req.mailbox, key, kept, keep, now);
    const outcome = await this.db.unitOfWork.runOnce(
      'voicemail-ingest.message-create',
      { id: commandId, type: Topics.mailboxMessageCreateRequest },
      async (tx) => {
        const state = (await this.messages.lockMailboxes(tx, [req.mailbox])).get(req.mailbox) as MailboxState;
        if (row !== null && kept !== null) await this.keepCopy(tx, state, row, kept, now);
        if (sent !== null) await this.enqueue(tx, req.mailbox, recipients, sent);
        return row;
      },
    );
    if (!outcome.duplicate) return { saved: outcome.value === null ? null : identityOf(outcome.value) };
    const existing = await this.messages.find(req.mailbox, key);
    return { saved: existing === null ? null : identityOf(existing) };
  }

  /**
   * SendItem of a saved message (a draft): it goes out as it was saved (without its Bcc header) to
   * its To, Cc and Bcc; the copy then moves to Sent Items (or `saveTo`), or is removed without one.
   */
  async send(commandId: string, req: SendMessageRequest, now = new Date()): Promise<SubmitMessageReply> {
    const key = decodeMessageId(req.mailbox, req.itemId);
    if (key === null) throw notFound();
    const outcome = await this.db.unitOfWork.runOnce(
      'voicemail-ingest.message-send',
      { id: commandId, type: Topics.mailboxMessageSendRequest },
      async (tx) => {
        const state = (await this.messages.lockMailboxes(tx, [req.mailbox])).get(req.mailbox) as MailboxState;
        const message = await this.messages.findIn(tx, req.mailbox, key);
        if (!message) throw notFound();
        if (req.changeKey !== undefined && req.changeKey !== message.changeKey)
          throw new MailboxException(CommandErrorCodes.conflict, 'The item changed since that change key was issued.');
        const raw = await this.blobs.read(message.mimeBlob, 0, message.size);
        if (raw === null) throw new Error(`blob ${message.mimeBlob} of a stored message is missing`);
        const recipients = this.recipientsOf(
          ['to', 'cc', 'bcc'].flatMap((name) => addressesOfHeader(message.headers, name)),
          true,
        );
        await this.enqueue(tx, req.mailbox, recipients, withoutBcc(raw));
        const before = waitingFactsOf(message);
        if (!req.saveCopy) {
          await this.messages.remove(tx, req.mailbox, key);
          await announceChange(tx, message, 'deleted', null, now);
          await settleMailbox(tx, this.messages, state, { sizeDelta: -message.size, now, messages: [{ before, after: null }] });
          return null;
        }
        const from = message.folder;
        message.folder = req.saveTo ?? 'sentitems';
        message.sentAt = now;
        message.isRead = true;
        message.changeKey = newChangeKey();
        message.lastModifiedAt = now;
        await this.messages.save(tx, message);
        await announceChange(tx, message, from === message.folder ? 'modified' : 'moved', from === message.folder ? null : from, now);
        await settleMailbox(tx, this.messages, state, { sizeDelta: 0, now, messages: [{ before, after: waitingFactsOf(message) }] });
        return message;
      },
    );
    if (!outcome.duplicate) return { saved: outcome.value === null ? null : identityOf(outcome.value) };
    const existing = await this.messages.find(req.mailbox, key);
    return { saved: existing === null || !req.saveCopy ? null : identityOf(existing) };
  }

  private async original(mailbox: string, itemId: string): Promise<OriginalMessage> {
    const key = decodeMessageId(mailbox, itemId);
    const message = key === null ? null : await this.messages.find(mailbox, key);
    if (!message) throw notFound();
    return {
      subject: message.subject,
      from: message.fromAddress,
      to: message.toAddresses,
      cc: message.ccAddresses,
      sentAt: message.sentAt,
      receivedAt: message.receivedAt,
      internetMessageId: message.internetMessageId,
      references: message.headers.find((h) => h.name.toLowerCase() === 'references')?.value ?? null,
      body: message.bodyType === null ? null : { type: message.bodyType, content: message.body ?? '' },
    };
  }

  /** The distinct addresses to send to, within the limit; a message to send needs at least one. */
  private recipientsOf(addresses: readonly ComposedAddress[], sending: boolean): string[] {
    const distinct = [...new Set(addresses.map((a) => a.address.toLowerCase()))];
    if (sending && distinct.length === 0)
      throw new MailboxException(CommandErrorCodes.invalidRecipients, 'A message to send needs a recipient.');
    if (distinct.length > this.limits.maxRecipients)
      throw new MailboxException(
        CommandErrorCodes.invalidRecipients,
        `A message may have at most ${this.limits.maxRecipients} recipients.`,
      );
    return distinct;
  }

  /** The copy's row and its MIME blob, durable before the transaction that names it (as a delivery's). */
  private async prepareCopy(mailbox: string, key: string, mime: Buffer, folder: MessageFolderKind, now: Date): Promise<StoredMessage> {
    const parsed = await parseInboundMail(mime, this.settings.parsing);
    const mimeKey = createHash('sha256').update(mime).digest('hex');
    await this.blobs.put(mimeKey, mime);
    const row = storedMessageOf(mailbox, parsed, { itemClass: MESSAGE_ITEM_CLASS, voicemail: null }, mimeKey, mime.length, now);
    return { ...row, id: key, folder, isRead: true };
  }

  private async keepCopy(tx: Transaction, state: MailboxState, row: StoredMessage, mime: Buffer, now: Date): Promise<void> {
    await this.references.lockShared(tx, [row.mimeBlob]);
    await this.blobs.confirm(tx, row.mimeBlob, mime);
    const limit = this.settings.quotaBytes;
    if (limit !== null && (state.usedBytes + row.size > limit || state.usedBytes >= limit))
      throw new MailboxException(CommandErrorCodes.quotaExceeded, 'The mailbox is full.');
    await this.messages.insert(tx, row, []);
    await announceChange(tx, row, 'delivered', null, now);
    await settleMailbox(tx, this.messages, state, { sizeDelta: row.size, now, messages: [{ before: null, after: waitingFactsOf(row) }] });
  }

  private async enqueue(tx: Transaction, mailbox: string, recipients: string[], mime: Buffer): Promise<void> {
    try {
      await this.outbound.enqueue({ envelopeFrom: mailbox, recipients, mime, submittedBy: mailbox }, tx);
    } catch (error) {
      if (!(error instanceof OutboundMailError)) throw error;
      switch (error.refusal) {
        case 'relay-disabled':
          throw new MailboxException(CommandErrorCodes.recipientUnreachable, error.message);
        case 'no-recipients':
          throw new MailboxException(CommandErrorCodes.invalidRecipients, error.message);
        case 'temporary':
          throw error;
      }
    }
  }
}

function identityOf(m: StoredMessage): { id: string; changeKey: string } {
  return { id: encodeMessageId(m.mailbox, m.id), changeKey: m.changeKey };
}

function unique(list: readonly ComposedAddress[]): ComposedAddress[] {
  const seen = new Set<string>();
  return list.filter((a) => {
    const key = a.address.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The addresses of a header of the stored copy (To, Cc, Bcc; every occurrence), groups flattened. */
function addressesOfHeader(headers: readonly { name: string; value: string }[], name: string): ComposedAddress[] {
  return headers
    .filter((h) => h.name.toLowerCase() === name)
    .flatMap((h) => addressparser(h.value, { flatten: true }))
    .filter((a) => typeof a.address === 'string' && a.address.includes('@'))
    .map((a) => ({ address: a.address as string, name: a.name || null }));
}

/** The message without its Bcc header (and that header's folded lines): what goes out of a kept copy. */
export function withoutBcc(raw: Buffer): Buffer {
  const end = raw.indexOf('\r\n\r\n');
  const head = (end < 0 ? raw : raw.subarray(0, end)).toString('latin1');
  const lines = head.split('\r\n');
  const kept: string[] = [];
  let dropping = false;
  for (const line of lines) {
    if (/^[ \t]/.test(line)) {
      if (!dropping) kept.push(line);
      continue;
    }
    dropping = /^bcc:/i.test(line);
    if (!dropping) kept.push(line);
  }
  return Buffer.concat([Buffer.from(kept.join('\r\n'), 'latin1'), end < 0 ? Buffer.alloc(0) : raw.subarray(end)]);
}
