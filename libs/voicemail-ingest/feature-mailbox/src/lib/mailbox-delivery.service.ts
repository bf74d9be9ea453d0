import { Injectable, Logger } from '@nestjs/common';
import {
  encodeMessageId,
  IMIP_MAX_ICS_CHARS,
  type ImipReceivedEvent,
  type MailAddress,
  MESSAGE_ITEM_CLASS,
  Topics,
  VOICEMAIL_ITEM_CLASS,
  VOICEMAIL_ITEM_CLASS_PREFIX,
} from '@parley/contracts';
import {
  BlobReferences,
  BlobStore,
  isVoicemailItemClass,
  MessageRepository,
  StoredAttachment,
  StoredMessage,
  StoredVoicemailFacts,
  VoicemailIngestDatabase,
} from '@parley/voicemail-ingest/data-access';
import { parseInboundMail, type ParsedInboundMail } from '@parley/voicemail-ingest/mail-parsing';
import { createHash, randomUUID } from 'node:crypto';
import { PendingOutbox } from '@parley/persistence';
import { announceChange, announceVoicemail, settleMailbox, waitingFactsOf } from './mailbox-events';
import { MailboxRecipients } from './mailbox-recipients';
import { MailboxSettings } from './mailbox-settings';
import { DeliveryReceipt, InboundMail, InboxArrivals, MailboxDelivery, MailboxDeliveryError, RecipientCheck } from './mailbox-ports';
import { newChangeKey } from './message-view';

/** The voicemail class without audio (a notice): Exchange's UM class without the `.CA` suffix. */
const VOICEMAIL_NOTICE_ITEM_CLASS = `${VOICEMAIL_ITEM_CLASS_PREFIX}.UM`;

/** PostgreSQL text and jsonb cannot hold NUL: a NUL a mail carries is stored as U+FFFD instead of failing every retry. */
function storable(value: string): string {
  return value.includes('\u0000') ? value.replaceAll('\u0000', '\uFFFD') : value;
}

/** Cuts a parsed value to the length its contract field allows (`mailbox.ts`), so every stored message can be answered within it. */
function clip(value: string, max: number): string {
  return storable(value.length <= max ? value : value.slice(0, max));
}

function clipOrNull(value: string | null, max: number): string | null {
  return value === null ? null : clip(value, max);
}

function clipAddress(a: MailAddress): MailAddress {
  return { address: clip(a.address, 320), name: clipOrNull(a.name, 256) };
}

function sha256(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

/**
 * The store's delivery port: recipients by the directory and the quota; a delivery stores the
 * MIME and attachment blobs first (durable), then every recipient's Inbox copy, the size totals
 * and the events in one transaction that also confirms the blobs (see docs/voicemail-ingest.md,
 * "Crash safety").
 */
@Injectable()
export class StoreMailboxDelivery extends MailboxDelivery {
  private readonly log = new Logger('MailboxDelivery');

  constructor(
    private readonly db: VoicemailIngestDatabase,
    private readonly messages: MessageRepository,
    private readonly blobs: BlobStore,
    private readonly references: BlobReferences,
    private readonly recipients: MailboxRecipients,
    private readonly settings: MailboxSettings,
    private readonly arrivals: InboxArrivals = new InboxArrivals(),
  ) {
    super();
  }

  async checkRecipient(address: string, size: number): Promise<RecipientCheck> {
    const mailbox = await this.recipients.mailboxOf(address);
    if (mailbox === null) return { accepted: false, reason: 'unknown-recipient' };
    if (this.settings.quotaBytes === null) return { accepted: true, mailbox };
    const state = await this.messages.state(mailbox);
    if (this.overQuota(state?.usedBytes ?? 0, size)) return { accepted: false, reason: 'over-quota' };
    return { accepted: true, mailbox };
  }

  async deliver(mail: InboundMail, now = new Date()): Promise<DeliveryReceipt> {
    try {
      return await this.store(mail, now);
    } catch (error) {
      if (error instanceof MailboxDeliveryError) throw error;
      this.log.error({ err: error, channel: mail.channel }, 'delivery failed; nothing was stored');
      throw new MailboxDeliveryError('temporary', 'The message could not be stored; try again later.');
    }
  }

  private async store(mail: InboundMail, now: Date): Promise<DeliveryReceipt> {
    const mailboxes = await this.resolve(mail.recipients);
    const parsed = await parseInboundMail(mail.raw, this.settings.parsing);
    if (parsed.defects.length > 0) this.log.warn({ defects: parsed.defects, channel: mail.channel }, 'stored a mail with MIME defects');
    const mimeKey = sha256(mail.raw);
    const attachmentKeys = parsed.attachments.map((a) => sha256(a.content));
    const contents = new Map<string, Buffer>([[mimeKey, mail.raw]]);
    parsed.attachments.forEach((a, i) => contents.set(attachmentKeys[i], a.content));
    // Durable before the transaction that names them commits; unreferenced ones are swept later.
    for (const [key, content] of contents) await this.blobs.put(key, content);
    const classified = mail.placement
      ? { itemClass: mail.placement.itemClass, voicemail: null }
      : classify(parsed, mail.channel === 'http-drop');
    const folder = mail.placement?.folder ?? 'inbox';
    const isRead = mail.placement?.isRead ?? false;
    const applied = mail.appliedEvent;
    const imipReply = this.imipReplyOf(mail, parsed);

    const stored = await this.db.unitOfWork.run(async (tx) => {
      if (applied && !(await tx.claim(applied.consumer, applied.id, applied.topic))) return [];
      await this.references.lockShared(tx, [...contents.keys()]);
      for (const [key, content] of contents) await this.blobs.confirm(tx, key, content);
      const states = await this.messages.lockMailboxes(tx, mailboxes);
      const over = mailboxes.filter((m) => this.overQuota(states.get(m)?.usedBytes ?? 0, mail.raw.length));
      if (over.length > 0) throw new MailboxDeliveryError('over-quota', 'The mailbox is full.', over);
      const copies: StoredMessage[] = [];
      const outbox = new PendingOutbox();
      for (const mailbox of mailboxes) {
        const message = { ...storedMessageOf(mailbox, parsed, classified, mimeKey, mail.raw.length, now), folder, isRead };
        const attachments: StoredAttachment[] = parsed.attachments.map((a, index) => ({
          messageId: message.id,
          index,
          name: clip(a.filename ?? `attachment-${index + 1}`, 255),
          contentType: clip(a.contentType, 255),
          size: a.content.length,
          isInline: a.inline,
          contentId: clipOrNull(a.contentId, 255),
          contentBlob: attachmentKeys[index],
        }));
        await this.messages.insert(tx, message, attachments);
        await announceChange(outbox, message, 'delivered', null, now);
        await announceVoicemail(outbox, message);
        const state = states.get(mailbox);
        if (state === undefined) throw new Error(`mailbox state of ${mailbox} was not locked`);
        await settleMailbox(
          tx,
          this.messages,
          state,
          { sizeDelta: message.size, now, messages: [{ before: null, after: waitingFactsOf(message) }] },
          outbox,
        );
        copies.push(message);
        if (imipReply) await outbox.publish(Topics.mailboxImipReceived, mailbox, { ...imipReply, mailbox } satisfies ImipReceivedEvent);
      }
      // OOF auto-replies and the like: queued with the copies, or not at all.
      if (mail.placement === undefined) await this.arrivals.notify(tx, { mail, parsed, mailboxes, now });
      // The state rows are locked and updated: the events of every copy go out in one statement.
      await outbox.flush(tx);
      return copies;
    });
    return {
      deliveries: stored.map((m) => ({
        mailbox: m.mailbox,
        itemId: encodeMessageId(m.mailbox, m.id),
        voicemail: isVoicemailItemClass(m.itemClass),
      })),
    };
  }

  /**
   * An iMIP REPLY (a `text/calendar` part with METHOD:REPLY) in mail that came in by SMTP: besides
   * landing in the Inbox it goes to calendar-sync, which records the answer if it fits one of the
   * recipient's meetings (docs/calendar-sync.md, "iMIP").
   */
  private imipReplyOf(mail: InboundMail, parsed: ParsedInboundMail): Omit<ImipReceivedEvent, 'mailbox'> | null {
    const part = parsed.calendar;
    if (!part || part.method !== 'REPLY' || (mail.channel !== 'relay' && mail.channel !== 'submission')) return null;
    if (part.content.length > IMIP_MAX_ICS_CHARS) {
      this.log.warn(`an iMIP reply of ${part.content.length} characters is stored but not passed on (over ${IMIP_MAX_ICS_CHARS})`);
      return null;
    }
    return { method: 'REPLY', from: parsed.from?.address.slice(0, 320) ?? null, envelopeFrom: mail.envelopeFrom, ics: part.content };
  }

  /** Each recipient's mailbox, once each; unknown ones refuse the whole delivery. */
  private async resolve(addresses: readonly string[]): Promise<string[]> {
    if (addresses.length === 0) throw new MailboxDeliveryError('unknown-recipient', 'A mail needs at least one recipient.');
    const found = await Promise.all(addresses.map(async (a) => ({ address: a, mailbox: await this.recipients.mailboxOf(a) })));
    const unknown = found.filter((f) => f.mailbox === null).map((f) => f.address);
    if (unknown.length > 0) throw new MailboxDeliveryError('unknown-recipient', 'No such mailbox.', unknown);
    return [...new Set(found.map((f) => f.mailbox as string))];
  }

  private overQuota(used: number, size: number): boolean {
    const limit = this.settings.quotaBytes;
    return limit !== null && (used + size > limit || used >= limit);
  }
}

/** A mailbox's row for a parsed message (in the Inbox, unread: callers place it otherwise). */
export function storedMessageOf(
  mailbox: string,
  parsed: ParsedInboundMail,
  classified: { itemClass: string; voicemail: StoredVoicemailFacts | null },
  mimeKey: string,
  size: number,
  now: Date,
): StoredMessage {
  return {
    id: randomUUID(),
    mailbox,
    folder: 'inbox',
    itemClass: clip(classified.itemClass, 255),
    subject: storable(parsed.subject),
    fromAddress: parsed.from === null ? null : clipAddress(parsed.from),
    toAddresses: parsed.to.map(clipAddress),
    ccAddresses: parsed.cc.map(clipAddress),
    receivedAt: now,
    sentAt: parsed.sentAt,
    size,
    isRead: false,
    hasAttachments: parsed.attachments.some((a) => !a.inline),
    internetMessageId: clipOrNull(parsed.internetMessageId, 998),
    importance: parsed.importance,
    bodyType: parsed.body?.type ?? null,
    body: parsed.body ? storable(parsed.body.content) : null,
    headers: parsed.headers.map((h) => ({ name: storable(h.name), value: storable(h.value) })),
    voicemail: classified.voicemail,
    mimeBlob: mimeKey,
    changeKey: newChangeKey(),
    lastModifiedAt: now,
  };
}

/**
 * The item class and voicemail facts to store: what recognition says of a mail (a missed-call
 * notice keeps its own class and facts); an HTTP drop is a voicemail whatever the parser made of
 * it, with source `http-drop`.
 */
function classify(parsed: ParsedInboundMail, httpDrop: boolean): { itemClass: string; voicemail: StoredVoicemailFacts | null } {
  const recognised = parsed.voicemail;
  if (!httpDrop) {
    const itemClass = parsed.itemClass || MESSAGE_ITEM_CLASS;
    if (recognised === null) return { itemClass, voicemail: null };
    return { itemClass, voicemail: { ...factsOf(parsed, recognised.audioAttachmentIndex), source: recognised.source } };
  }
  const audio = recognised?.audioAttachmentIndex ?? parsed.attachments.findIndex((a) => a.contentType.toLowerCase().startsWith('audio/'));
  const voicemail = { ...factsOf(parsed, audio < 0 ? null : audio), source: 'http-drop' as const };
  const itemClass = isVoicemailItemClass(parsed.itemClass)
    ? parsed.itemClass
    : voicemail.audioAttachmentIndex === null
      ? VOICEMAIL_NOTICE_ITEM_CLASS
      : VOICEMAIL_ITEM_CLASS;
  return { itemClass, voicemail };
}

function factsOf(parsed: ParsedInboundMail, audio: number | null): Omit<StoredVoicemailFacts, 'source'> {
  const recognised = parsed.voicemail;
  const audioIndex = audio !== null && audio >= 0 && audio < parsed.attachments.length ? audio : null;
  const duration = recognised?.durationSeconds ?? null;
  return {
    callerNumber: clipOrNull(recognised?.callerNumber ?? null, 64),
    callerNumberOriginal: clipOrNull(recognised?.callerNumberOriginal ?? null, 256),
    callerName: clipOrNull(recognised?.callerName ?? null, 256),
    durationSeconds: duration === null || !Number.isFinite(duration) || duration < 0 ? null : Math.round(duration),
    audioAttachmentIndex: audioIndex,
    audioContentType: audioIndex === null ? null : clip(parsed.attachments[audioIndex].contentType, 255),
    transcription: clipOrNull(recognised?.transcription ?? null, 100_000),
  };
}
