import {
  encodeMessageId,
  type MessageChangedEvent,
  type MessageFolderKind,
  type MessageWaitingChangedEvent,
  Topics,
  type VoicemailDepositedEvent,
} from '@parley/contracts';
import type { Transaction } from '@parley/persistence';
import { isVoicemailItemClass, MailboxState, MessageRepository, StoredMessage } from '@parley/voicemail-ingest/data-access';
import { voicemailFactsOf } from './message-view';

/** `mailbox.message.changed` for one message, through the outbox of `tx`. */
export async function announceChange(
  tx: Transaction,
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
export async function announceVoicemail(tx: Transaction, m: StoredMessage): Promise<void> {
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

/**
 * Closes a write to a mailbox whose state row `tx` holds locked: records the modification time
 * and size change, and publishes `mailbox.message-waiting.changed` (next revision) when the
 * voicemail counts are no longer those last published.
 */
export async function settleMailbox(
  tx: Transaction,
  messages: MessageRepository,
  state: MailboxState,
  change: { sizeDelta: number; now: Date },
): Promise<void> {
  state.usedBytes = Math.max(0, state.usedBytes + change.sizeDelta);
  state.lastModifiedAt = change.now;
  const counts = await messages.waitingCounts(tx, state.mailbox);
  if (counts.newMessages !== state.waitingNew || counts.oldMessages !== state.waitingOld) {
    state.waitingNew = counts.newMessages;
    state.waitingOld = counts.oldMessages;
    state.waitingRevision += 1;
    const event: MessageWaitingChangedEvent = {
      mailbox: state.mailbox,
      newMessages: counts.newMessages,
      oldMessages: counts.oldMessages,
      revision: state.waitingRevision,
    };
    await tx.publish(Topics.messageWaitingChanged, state.mailbox, event);
  }
  await messages.saveState(tx, state);
}
