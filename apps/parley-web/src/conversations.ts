// Open conversations: their messages with delivery states, unread counts and typing indicators.
// Nothing is stored on the server (docs/presence-protocol.md): a conversation lives as long as the page.
import type { Clock } from './presence-client';

export type DeliveryState = 'sending' | 'delivered' | 'failed';
export type FailureReason = 'recipient-offline' | 'timeout' | 'not-connected' | 'error';

export interface ChatMessage {
  /** Incoming: the server's messageId; outgoing: the clientMessageId sent with it. */
  id: string;
  direction: 'in' | 'out';
  text: string;
  at: number;
  state?: DeliveryState;
  failure?: FailureReason;
  /** With `error`: what the server said. */
  failureDetail?: string;
}

export interface Conversation {
  peer: string;
  messages: ChatMessage[];
  unread: number;
  peerTyping: boolean;
}

export interface ConversationOptions {
  /** How long "X is typing…" shows after the last `typing: true` without a `false` or a message. */
  typingTimeoutMs?: number;
  /** Messages kept per conversation (the oldest go first). */
  maxMessages?: number;
}

export const PEER_TYPING_TIMEOUT_MS = 8000;
export const MAX_MESSAGES_PER_CONVERSATION = 500;

export class ConversationStore {
  private readonly map = new Map<string, Conversation>();
  private readonly typingTimers = new Map<string, unknown>();
  private readonly listeners = new Set<() => void>();
  private readonly typingTimeoutMs: number;
  private readonly maxMessages: number;
  private nextId = 1;
  active: string | null = null;

  constructor(
    private readonly clock: Pick<Clock, 'now' | 'setTimeout' | 'clearTimeout'>,
    options: ConversationOptions = {},
  ) {
    this.typingTimeoutMs = options.typingTimeoutMs ?? PEER_TYPING_TIMEOUT_MS;
    this.maxMessages = options.maxMessages ?? MAX_MESSAGES_PER_CONVERSATION;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get list(): Conversation[] {
    return [...this.map.values()];
  }

  get(peer: string): Conversation | undefined {
    return this.map.get(peer.toLowerCase());
  }

  get totalUnread(): number {
    let total = 0;
    for (const c of this.map.values()) total += c.unread;
    return total;
  }

  /** Opens (or shows) the conversation with `peer` and marks it read. */
  open(peer: string): Conversation {
    const conversation = this.ensure(peer);
    this.active = conversation.peer;
    conversation.unread = 0;
    this.changed();
    return conversation;
  }

  markRead(peer: string): void {
    const conversation = this.get(peer);
    if (conversation && conversation.unread > 0) {
      conversation.unread = 0;
      this.changed();
    }
  }

  close(peer: string): void {
    const key = peer.toLowerCase();
    if (!this.map.delete(key)) return;
    this.clearTyping(key);
    if (this.active === key) this.active = this.map.keys().next().value ?? null;
    this.changed();
  }

  /** An incoming message; `seen` when its conversation is on screen and the page visible. */
  receive(message: { messageId: string; from: string; text: string; sentAt: string }, seen: boolean): Conversation {
    const conversation = this.ensure(message.from);
    const at = Date.parse(message.sentAt);
    this.push(conversation, { id: message.messageId, direction: 'in', text: message.text, at: Number.isNaN(at) ? this.clock.now() : at });
    // A message ends the sender's typing, whatever notice was lost on the way.
    conversation.peerTyping = false;
    this.clearTyping(conversation.peer);
    if (!seen) conversation.unread += 1;
    // The first conversation is the one shown when the user goes to the conversations.
    this.active ??= conversation.peer;
    this.changed();
    return conversation;
  }

  /** Records an outgoing message as sending; returns its clientMessageId. */
  addOutgoing(peer: string, text: string): string {
    const conversation = this.ensure(peer);
    const id = `m${this.clock.now().toString(36)}-${this.nextId++}`;
    this.push(conversation, { id, direction: 'out', text, at: this.clock.now(), state: 'sending' });
    this.changed();
    return id;
  }

  delivered(peer: string, id: string): void {
    this.settle(peer, id, { state: 'delivered' });
  }

  failed(peer: string, id: string, failure: FailureReason, failureDetail?: string): void {
    this.settle(peer, id, { state: 'failed', failure, failureDetail });
  }

  /** A `typing` notice from `peer`; `true` shows the indicator until `false`, a message or the timeout. */
  peerTyping(peer: string, typing: boolean): void {
    const conversation = this.get(peer);
    if (!conversation) return;
    this.clearTyping(conversation.peer);
    conversation.peerTyping = typing;
    if (typing) {
      this.typingTimers.set(
        conversation.peer,
        this.clock.setTimeout(() => {
          this.typingTimers.delete(conversation.peer);
          conversation.peerTyping = false;
          this.changed();
        }, this.typingTimeoutMs),
      );
    }
    this.changed();
  }

  /** Every message still sending fails (the connection dropped before its answer). */
  failSending(failure: FailureReason): void {
    let any = false;
    for (const conversation of this.map.values()) {
      for (const message of conversation.messages) {
        if (message.state === 'sending') {
          message.state = 'failed';
          message.failure = failure;
          any = true;
        }
      }
    }
    if (any) this.changed();
  }

  clear(): void {
    for (const key of [...this.typingTimers.keys()]) this.clearTyping(key);
    this.map.clear();
    this.active = null;
    this.changed();
  }

  private settle(peer: string, id: string, update: Partial<ChatMessage>): void {
    const message = this.get(peer)?.messages.find((m) => m.id === id && m.direction === 'out');
    if (!message || message.state !== 'sending') return;
    Object.assign(message, update);
    this.changed();
  }

  private ensure(peer: string): Conversation {
    const key = peer.toLowerCase();
    let conversation = this.map.get(key);
    if (!conversation) {
      conversation = { peer: key, messages: [], unread: 0, peerTyping: false };
      this.map.set(key, conversation);
    }
    return conversation;
  }

  private push(conversation: Conversation, message: ChatMessage): void {
    conversation.messages = [...conversation.messages, message].slice(-this.maxMessages);
  }

  private clearTyping(key: string): void {
    const timer = this.typingTimers.get(key);
    if (timer !== undefined) this.clock.clearTimeout(timer);
    this.typingTimers.delete(key);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}

/** After this long without a keystroke, the peer is told typing stopped. */
export const TYPING_IDLE_MS = 5000;
/** A `typing: true` is repeated at most this often while typing goes on (the peer's indicator times out). */
export const TYPING_REPEAT_MS = 4000;

/**
 * Sends `typing` notices for one conversation, throttled: `true` on the first keystroke and again
 * every TYPING_REPEAT_MS while typing goes on, `false` after TYPING_IDLE_MS without one, when the
 * input is emptied, or when the message is sent.
 */
export class TypingNotifier {
  private typing = false;
  private lastSentAt = 0;
  private idleTimer: unknown = null;

  constructor(
    private readonly clock: Pick<Clock, 'now' | 'setTimeout' | 'clearTimeout'>,
    private readonly send: (typing: boolean) => void,
  ) {}

  /** Call on every input event with whether the input now holds text. */
  input(hasText: boolean): void {
    if (!hasText) {
      this.stop();
      return;
    }
    const now = this.clock.now();
    if (!this.typing || now - this.lastSentAt >= TYPING_REPEAT_MS) {
      this.typing = true;
      this.lastSentAt = now;
      this.send(true);
    }
    this.clearIdle();
    this.idleTimer = this.clock.setTimeout(() => {
      this.idleTimer = null;
      this.stop();
    }, TYPING_IDLE_MS);
  }

  /** The message was sent or the conversation left. */
  stop(): void {
    this.clearIdle();
    if (!this.typing) return;
    this.typing = false;
    this.send(false);
  }

  private clearIdle(): void {
    if (this.idleTimer !== null) this.clock.clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }
}
