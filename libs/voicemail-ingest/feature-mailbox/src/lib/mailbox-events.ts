import {
  encodeMessageId,
  type MessageChangedEvent,
  type MessageFolderKind,
  type MessageWaitingChangedEvent,
  Topics,
  type VoicemailDepositedEvent,
} from '@parley/contracts';
import type { OutboxSink, Transaction } from '@parley/persistence';
import { isVoicemailItemClass, MailboxState, MessageRepository, StoredMessage } from '@parley/voicemail-ingest/data-access';
import { voicemailFactsOf } from './message-view';

/** `mailbox.message.changed` for one message, through the outbox of `tx`. */
export async function announceChange(
  tx: OutboxSink,
  m: StoredMessage,
  change: MessageChangedEvent['change'],
  fromFolder: MessageFolderKind | null,
  now: Date,
): Promise<void> {
  const event: MessageChangedEvent = {
    mailbox: m.mailbox,
    itemId: encodeMessageId(m.mailbox, m.id),
    change,
    folder: m.folder,
    fromFolder,
    itemClass: m.itemClass,
    isRead: m.isRead,
    changeKey: m.changeKey,
    occurredAt: now.toISOString(),
  };
  await tx.publish(Topics.mailboxMessageChanged, m.mailbox, event);
}

/** `mailbox.voicemail.deposited` for a new voicemail item (not for a missed-call notice or an ordinary mail). */
export async function announceVoicemail(tx: OutboxSink, m: StoredMessage): Promise<void> {
  const voicemail = voicemailFactsOf(m);
  if (voicemail === null || !isVoicemailItemClass(m.itemClass)) return;
  const event: VoicemailDepositedEvent = {
    mailbox: m.mailbox,
    itemId: encodeMessageId(m.mailbox, m.id),
    receivedAt: m.receivedAt.toISOString(),
    voicemail,
  };
  await tx.publish(Topics.voicemailDeposited, m.mailbox, event);
}

/** What of a message the message-waiting counts depend on; null for a message that is not (or no longer) in the mailbox. */
export type WaitingFacts = Readonly<Pick<StoredMessage, 'folder' | 'itemClass' | 'isRead'>> | null;

/** A copy of the facts as they are now (messages are changed in place). */
export function waitingFactsOf(m: StoredMessage): WaitingFacts {
  return { folder: m.folder, itemClass: m.itemClass, isRead: m.isRead };
}

/** A write's effect on its mailbox: octets added or removed, and each message's facts before and after. */
export interface MailboxChange {
  readonly sizeDelta: number;
  readonly now: Date;
  readonly messages: readonly { readonly before: WaitingFacts; readonly after: WaitingFacts }[];
}

function waitingContribution(facts: WaitingFacts): { newMessages: number; oldMessages: number } {
  if (facts === null || facts.folder !== 'inbox' || !isVoicemailItemClass(facts.itemClass)) return { newMessages: 0, oldMessages: 0 };
  return facts.isRead ? { newMessages: 0, oldMessages: 1 } : { newMessages: 1, oldMessages: 0 };
}

/**
 * Closes a write to a mailbox whose state row `tx` holds locked: the size total, the modification
 * time, and the message-waiting counts, kept by difference (no recount per write). When the counts
 * moved, `mailbox.message-waiting.changed` goes out with the next revision.
 */
export async function settleMailbox(
  tx: Transaction,
  messages: MessageRepository,
  state: MailboxState,
  change: MailboxChange,
  outbox: OutboxSink = tx,
): Promise<void> {
  let newDelta = 0;
  let oldDelta = 0;
  for (const { before, after } of change.messages) {
    const was = waitingContribution(before);
    const is = waitingContribution(after);
    newDelta += is.newMessages - was.newMessages;
    oldDelta += is.oldMessages - was.oldMessages;
  }
  state.usedBytes = Math.max(0, state.usedBytes + change.sizeDelta);
  state.lastModifiedAt = change.now;
  if (newDelta !== 0 || oldDelta !== 0) {
    state.waitingNew += newDelta;
    state.waitingOld += oldDelta;
    state.waitingRevision += 1;
    const event: MessageWaitingChangedEvent = {
      mailbox: state.mailbox,
      newMessages: state.waitingNew,
      oldMessages: state.waitingOld,
      revision: state.waitingRevision,
    };
    await outbox.publish(Topics.messageWaitingChanged, state.mailbox, event);
  }
  await messages.saveState(tx, state);
}
