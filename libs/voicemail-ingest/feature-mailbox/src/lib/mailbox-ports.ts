import type { MessageFolderKind } from '@parley/contracts';
import type { Transaction } from '@parley/persistence';
import type { ParsedInboundMail } from '@parley/voicemail-ingest/mail-parsing';

/**
 * What the mailbox store offers its fronts (SMTP submission and relay, the HTTP voicemail drop,
 * EWS CreateItem through the outbound queue): the one way into a mailbox. A front never writes the store's tables; the
 * rules (recipients, quota, recognition, events) live behind these ports once.
 */

/** How a mail reached Parley (`im-history`: an IM conversation presence-bridge announced, see conversation-history.service.ts; `outbound-queue`: mail the queue delivers to a Parley mailbox, such as a bounce). */
export type InboundChannel = 'submission' | 'relay' | 'http-drop' | 'im-history' | 'outbound-queue';

export interface InboundMail {
  readonly channel: InboundChannel;
  /** MAIL FROM as given (null: the null reverse-path `<>`). */
  readonly envelopeFrom: string | null;
  /** Lower-cased mailbox addresses, each accepted by `checkRecipient` in this session; never empty. */
  readonly recipients: readonly string[];
  /** The message exactly as received, with the front's `Received:` trace header prepended. */
  readonly raw: Buffer;
  /** The mailbox that authenticated (submission, HTTP drop by a PBX key: null). */
  readonly submittedBy: string | null;
  /** The peer's IP address, for the log and the trace header. */
  readonly clientAddress: string | null;
  /**
   * Where the copies go and what they are, when not what recognition makes of a mail in the Inbox
   * (an IM conversation for Conversation History, a missed-conversation notice).
   */
  readonly placement?: { readonly folder: MessageFolderKind; readonly itemClass: string; readonly isRead: boolean };
  /**
   * The consumed event this delivery applies: claimed in the delivery's transaction, so a
   * redelivered event stores nothing (the receipt then lists no copies).
   */
  readonly appliedEvent?: { readonly consumer: string; readonly id: string; readonly topic: string };
}

export type RecipientCheck =
  { readonly accepted: true; readonly mailbox: string } | { readonly accepted: false; readonly reason: 'unknown-recipient' | 'over-quota' };

/** One stored copy per recipient. */
export interface DeliveryReceipt {
  readonly deliveries: readonly { readonly mailbox: string; readonly itemId: string; readonly voicemail: boolean }[];
}

/** Why a delivery was refused; fronts map each to their protocol (SMTP reply, HTTP problem). */
export type DeliveryRefusal = 'unknown-recipient' | 'over-quota' | 'too-large' | 'temporary';

export class MailboxDeliveryError extends Error {
  constructor(
    readonly refusal: DeliveryRefusal,
    message: string,
    /** The recipients the refusal is about (for per-recipient SMTP replies), when known. */
    readonly recipients: readonly string[] = [],
  ) {
    super(message);
    this.name = 'MailboxDeliveryError';
  }
}

export abstract class MailboxDelivery {
  /**
   * Whether `address` is a Parley mailbox that can take `size` more octets (0 when the size is not
   * known yet, as at RCPT TO without a SIZE parameter). Cheap: fronts call it once per recipient.
   */
  abstract checkRecipient(address: string, size: number): Promise<RecipientCheck>;

  /**
   * Stores the mail in every recipient's Inbox in one transaction and resolves only once it is
   * durable (the blob and the rows committed): a front acknowledges the sender after this and not
   * before. Nothing is half-stored when it throws (`MailboxDeliveryError`, or any other error as a
   * temporary failure).
   */
  abstract deliver(mail: InboundMail): Promise<DeliveryReceipt>;
}

/** A mail that landed in Inboxes, as the delivery's transaction sees it. */
export interface InboxArrival {
  readonly mail: InboundMail;
  readonly parsed: ParsedInboundMail;
  /** The mailboxes that got a copy in their Inbox. */
  readonly mailboxes: readonly string[];
  readonly now: Date;
}

export type InboxArrivalListener = (tx: Transaction, arrival: InboxArrival) => Promise<void>;

/**
 * What else happens, inside the delivery's transaction, when mail lands in Inboxes (OOF
 * auto-replies, `@parley/voicemail-ingest/feature-outbound`): a listener's writes commit or roll
 * back with the copies. Listeners register rather than being injected into the delivery, because
 * the one there is needs the outbound queue, which itself delivers through `MailboxDelivery`.
 * Not for mail with a `placement` (IM history, notices).
 */
export class InboxArrivals {
  private readonly listeners: InboxArrivalListener[] = [];

  listen(listener: InboxArrivalListener): void {
    this.listeners.push(listener);
  }

  async notify(tx: Transaction, arrival: InboxArrival): Promise<void> {
    for (const listener of this.listeners) await listener(tx, arrival);
  }
}

/** A message to send: the envelope and the MIME exactly as it goes out. */
export interface OutboundMessage {
  /** MAIL FROM, where bounces go; null: the null reverse-path `<>` (DSNs, auto-replies that must never be answered). */
  readonly envelopeFrom: string | null;
  /** The addresses to deliver to (any domain; duplicates count once); never empty. */
  readonly recipients: readonly string[];
  /** The whole message (headers and body, CRLF line ends), e.g. from nodemailer's MailComposer. */
  readonly mime: Buffer;
  /** The mailbox on whose behalf it goes out (SMTP AUTH, EWS); null for mail Parley makes itself. */
  readonly submittedBy: string | null;
}

export interface OutboundReceipt {
  /** The queue's id of the message (logs, `docs/smtp.md`). */
  readonly id: string;
}

/** Why a message was not queued. */
export type OutboundRefusal = 'relay-disabled' | 'no-recipients' | 'temporary';

export class OutboundMailError extends Error {
  constructor(
    readonly refusal: OutboundRefusal,
    message: string,
  ) {
    super(message);
    this.name = 'OutboundMailError';
  }
}

/**
 * The one way mail leaves Parley (the outbound queue, `@parley/voicemail-ingest/feature-outbound`):
 * SMTP submission to external recipients, EWS CreateItem / SendItem, OOF replies and iMIP meeting
 * mail (`ImipMailService`). A queued message is durable; each recipient is tried until it is
 * delivered, refused for good or its retry window ends, and a refusal comes back to `envelopeFrom`
 * as one DSN. Recipients Parley serves are delivered into their mailboxes through
 * `MailboxDelivery`, the others through the configured smarthost.
 */
export abstract class OutboundMail {
  /** Whether mail to other domains can go out (a smarthost is configured); without one such recipients are refused. */
  abstract readonly relayEnabled: boolean;

  /**
   * Queues `message`. Without `tx` it commits on its own and resolves once the message is durable
   * (a front answers `250` after this). With `tx` the queue rows join that transaction (commit or
   * roll back with the caller's work) and the first attempt starts after its commit. Throws
   * `OutboundMailError` (`relay-disabled` when a recipient is outside Parley and no smarthost is
   * configured).
   */
  abstract enqueue(message: OutboundMessage, tx?: Transaction): Promise<OutboundReceipt>;
}
