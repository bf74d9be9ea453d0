import { z } from 'zod';
import { mailboxKey } from './envelope';

/**
 * IM conversation history: presence-bridge keeps the IMs two users exchange as one conversation
 * until neither has written for the idle time (PARLEY_PRESENCE_IM_CONVERSATION_IDLE_MS), then
 * announces its end once per participant (keyed by that participant's mailbox) through its outbox;
 * voicemail-ingest files the transcript in the participant's Conversation History folder and, for
 * IMs that reached no client of theirs, a missed-conversation notice in their Inbox.
 */

/**
 * What one conversation keeps, so that the event stays far below Kafka's 1 MB message limit: the
 * first `messages` IMs while their texts total at most `characters` (a JSON-escaped character is
 * at most 6 bytes: 360 KB of text at worst); later ones are only counted (`omittedMessages`).
 */
export const IM_CONVERSATION_LIMITS = { messages: 200, characters: 60_000 } as const;

const instant = z.iso.datetime({ offset: true });

export const imConversationMessageSchema = z.object({
  from: mailboxKey,
  to: mailboxKey,
  sentAt: instant,
  text: z.string().min(1).max(IM_CONVERSATION_LIMITS.characters),
  /** False: no client of `to` was connected (or it could not take it), so `to` missed it. */
  delivered: z.boolean(),
});
export type ImConversationMessage = z.infer<typeof imConversationMessageSchema>;

/** A conversation between two users ended; one event per participant, `mailbox` being that participant (the key). */
export const imConversationEndedEventSchema = z
  .object({
    conversationId: z.uuid(),
    mailbox: mailboxKey,
    /** Both participants, lower-cased, in address order; `mailbox` is one of them. */
    participants: z.tuple([mailboxKey, mailboxKey]),
    startedAt: instant,
    /** The last IM's time: the conversation went idle after it. */
    lastMessageAt: instant,
    messages: z.array(imConversationMessageSchema).max(IM_CONVERSATION_LIMITS.messages),
    /** IMs of the conversation past the limits, not carried. */
    omittedMessages: z.number().int().min(0),
  })
  .refine((e) => e.participants.includes(e.mailbox), { message: 'mailbox must be a participant', path: ['mailbox'] });
export type ImConversationEndedEvent = z.infer<typeof imConversationEndedEventSchema>;
