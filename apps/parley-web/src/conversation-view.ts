import { css, html, nothing, type PropertyValues } from 'lit';
import type { ChatMessage, Conversation } from './conversations';
import { TypingNotifier } from './conversations';
import { closeIcon } from './icons';
import { browserClock } from './presence-client';
import { isIdle, presenceLine, toneOf } from './presence-format';
import { StateElement } from './state-element';
import { baseStyles, presenceDotStyles } from './styles';

/** Open conversations (a list to switch between them) and the active one: its log, typing, the input. */
export class ConversationView extends StateElement {
  static override properties = {
    draft: { state: true },
    inputError: { state: true },
  };

  static override styles = [
    baseStyles,
    presenceDotStyles,
    css`
      :host {
        display: grid;
        grid-template-columns: minmax(10rem, 14rem) 1fr;
        gap: 1rem;
        min-height: 24rem;
      }
      @media (max-width: 640px) {
        :host {
          grid-template-columns: 1fr;
        }
      }
      nav ul {
        list-style: none;
        margin: 0;
        padding: 0;
      }
      nav li {
        display: flex;
        gap: 0.25rem;
        margin-bottom: 0.25rem;
      }
      .open {
        flex: 1;
        justify-content: flex-start;
        text-align: start;
        min-width: 0;
        overflow-wrap: anywhere;
      }
      .open[aria-current='true'] {
        border-color: var(--accent);
        box-shadow: inset 3px 0 0 var(--accent);
        font-weight: 700;
      }
      .unread {
        background: var(--danger);
        color: var(--on-accent);
        border-radius: 999px;
        padding: 0 0.45rem;
        font-size: 0.8rem;
        font-weight: 700;
        margin-inline-start: auto;
      }
      .panel {
        display: flex;
        flex-direction: column;
        min-width: 0;
      }
      .peer {
        display: flex;
        gap: 0.5rem;
        align-items: center;
        margin-bottom: 0.5rem;
      }
      .peer h2 {
        margin: 0;
      }
      .log ol {
        list-style: none;
        margin: 0;
        padding: 0;
        display: flex;
        flex-direction: column;
      }
      .log {
        padding: 0.5rem;
        flex: 1;
        min-height: 14rem;
        max-height: 55vh;
        overflow-y: auto;
        border: 1px solid var(--border);
        border-radius: var(--radius);
        background: var(--surface);
      }
      .message {
        max-width: 85%;
        width: fit-content;
        margin: 0.35rem 0;
        padding: 0.4rem 0.65rem;
        border-radius: calc(var(--radius) * 2);
        background: var(--bg);
        border: 1px solid var(--border);
        overflow-wrap: anywhere;
      }
      .message .text {
        white-space: pre-wrap;
      }
      .message.out {
        margin-inline-start: auto;
        background: var(--bubble-out);
      }
      .meta {
        display: block;
        font-size: 0.75rem;
        color: var(--muted);
        margin-top: 0.2rem;
      }
      .message[data-state='failed'] {
        border-color: var(--danger);
      }
      .message[data-state='failed'] .meta {
        color: var(--danger);
        font-weight: 600;
      }
      .typing {
        min-height: 1.5rem;
        color: var(--muted);
        font-style: italic;
        margin: 0.25rem 0;
      }
      form {
        display: flex;
        gap: 0.5rem;
        align-items: flex-end;
      }
      form .field {
        flex: 1;
        margin: 0;
      }
      .empty {
        color: var(--muted);
      }
    `,
  ];

  draft = '';
  inputError: string | null = null;
  private notifier: TypingNotifier | null = null;
  private notifierPeer: string | null = null;
  private lastRenderedCount = 0;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.notifier?.stop();
  }

  override render() {
    const { t, state } = this;
    const list = state.conversations.list;
    const active = state.conversations.active ? state.conversations.get(state.conversations.active) : undefined;
    if (list.length === 0) {
      return html`<div>
        <h2>${t.t('conversations.heading')}</h2>
        <p class="empty" data-testid="conversations-empty">${t.t('conversations.empty')}</p>
      </div>`;
    }
    return html`
      <nav aria-label=${t.t('conversations.tabs')}>
        <h2 class="visually-hidden">${t.t('conversations.heading')}</h2>
        <ul data-testid="conversation-list">
          ${list.map((c) => this.renderEntry(c, c === active))}
        </ul>
      </nav>
      ${active ? this.renderPanel(active) : nothing}
    `;
  }

  private renderEntry(conversation: Conversation, current: boolean) {
    const { t, state } = this;
    const name = state.displayName(conversation.peer);
    return html`
      <li>
        <button
          type="button"
          class="open"
          aria-current=${current ? 'true' : 'false'}
          data-testid="conversation-tab-${conversation.peer}"
          @click=${() => this.select(conversation.peer)}
        >
          <span>${name}</span>
          ${
            conversation.unread > 0
              ? html`<span class="unread" data-testid="unread-count">
                  <span aria-hidden="true">${conversation.unread}</span>
                  <span class="visually-hidden">${t.t('conversations.unread', { count: conversation.unread })}</span>
                </span>`
              : nothing
          }
        </button>
        <button
          type="button"
          data-testid="conversation-close"
          aria-label=${t.t('conversations.close', { name })}
          @click=${() => state.conversations.close(conversation.peer)}
        >
          ${closeIcon}
        </button>
      </li>
    `;
  }

  private renderPanel(conversation: Conversation) {
    const { t, state } = this;
    const name = state.displayName(conversation.peer);
    const presence = state.presenceOf(conversation.peer);
    const connected = state.connection.status === 'open';
    return html`
      <section class="panel" aria-labelledby="peer-name" data-testid="conversation" data-peer=${conversation.peer}>
        <div class="peer">
          <span
            class="dot ${presence ? toneOf(presence.token) : 'offline'} ${presence && isIdle(presence.token) ? 'idle' : ''}"
            aria-hidden="true"
          ></span>
          <h2 id="peer-name">${name}</h2>
          <span class="hint" data-testid="conversation-presence">
            ${presence ? presenceLine(t, presence, Date.now()) : t.t('availability.offline')}
          </span>
        </div>
        <div
          class="log"
          role="log"
          aria-live="polite"
          aria-label=${t.t('conversation.log', { name })}
          data-testid="conversation-messages"
          tabindex="0"
        >
          <ol>
            ${conversation.messages.map((m) => this.renderMessage(m, name))}
          </ol>
        </div>
        <p class="typing" data-testid="typing-indicator" aria-live="polite">
          ${conversation.peerTyping ? t.t('conversation.typing', { name }) : ''}
        </p>
        <form @submit=${this.send}>
          <div class="field">
            <label for="message-input" class="visually-hidden">${t.t('conversation.input', { name })}</label>
            <textarea
              id="message-input"
              rows="2"
              data-testid="conversation-input"
              placeholder=${t.t('conversation.input', { name })}
              .value=${this.draft}
              aria-invalid=${this.inputError ? 'true' : 'false'}
              aria-describedby="input-error"
              @input=${this.typed}
              @keydown=${this.keydown}
            ></textarea>
            <span id="input-error" class="error" role="alert" data-testid="conversation-error">
              ${this.inputError ?? (connected ? '' : t.t('conversation.notConnected'))}
            </span>
          </div>
          <button type="submit" class="primary" data-testid="conversation-send" ?disabled=${!connected || !this.draft.trim()}>
            ${t.t('conversation.send')}
          </button>
        </form>
      </section>
    `;
  }

  private renderMessage(message: ChatMessage, peerName: string) {
    const { t } = this;
    const time = t.time(message.at);
    let status = '';
    if (message.direction === 'out') {
      if (message.state === 'sending') status = t.t('conversation.sending');
      else if (message.state === 'delivered') status = t.t('conversation.delivered');
      else if (message.failure === 'recipient-offline') status = t.t('conversation.failedOffline', { name: peerName });
      else if (message.failure === 'timeout') status = t.t('conversation.failedTimeout');
      else if (message.failure === 'not-connected') status = t.t('conversation.notConnected');
      else status = t.t('conversation.failedOther', { detail: message.failureDetail ?? '' });
    }
    return html`
      <li
        class="message ${message.direction}"
        data-testid="message"
        data-direction=${message.direction}
        data-state=${message.state ?? 'received'}
      >
        <span class="visually-hidden">${message.direction === 'out' ? t.t('conversation.you') : peerName}:</span>
        <span class="text" data-testid="message-text">${message.text}</span>
        <span class="meta">${time}${status ? html` · <span data-testid="message-status">${status}</span>` : nothing}</span>
      </li>
    `;
  }

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    // Keep the newest message in view as messages arrive.
    const active = this.state.conversations.active;
    const count = active ? (this.state.conversations.get(active)?.messages.length ?? 0) : 0;
    if (count !== this.lastRenderedCount) {
      this.lastRenderedCount = count;
      const log = this.renderRoot.querySelector('[role="log"]');
      if (log) log.scrollTop = log.scrollHeight;
    }
    if (active && document.visibilityState === 'visible') this.state.conversations.markRead(active);
  }

  /** Puts the focus in the message box (after a conversation is opened). */
  focusInput(): void {
    this.renderRoot.querySelector<HTMLTextAreaElement>('#message-input')?.focus();
  }

  private select(peer: string): void {
    this.notifier?.stop();
    this.draft = '';
    this.inputError = null;
    this.state.openConversation(peer);
    void this.updateComplete.then(() => this.focusInput());
  }

  private typingNotifier(peer: string): TypingNotifier {
    if (!this.notifier || this.notifierPeer !== peer) {
      this.notifier?.stop();
      this.notifierPeer = peer;
      this.notifier = new TypingNotifier(browserClock, (typing) => this.state.sendTyping(peer, typing));
    }
    return this.notifier;
  }

  private typed(event: InputEvent): void {
    this.draft = (event.target as HTMLTextAreaElement).value;
    this.inputError = null;
    const peer = this.state.conversations.active;
    if (peer) this.typingNotifier(peer).input(this.draft.trim().length > 0);
  }

  private keydown(event: KeyboardEvent): void {
    // Enter sends; Shift+Enter starts a new line (and an IME composition's Enter is left alone).
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      (event.currentTarget as HTMLTextAreaElement).form?.requestSubmit();
    }
  }

  private send(event: SubmitEvent): void {
    event.preventDefault();
    const peer = this.state.conversations.active;
    const text = this.draft.trim();
    if (!peer || !text) return;
    if (this.state.connection.status !== 'open') {
      this.inputError = this.t.t('conversation.notConnected');
      return;
    }
    if ([...text].length > this.state.maxImChars) {
      this.inputError = this.t.t('conversation.tooLong', { max: this.state.maxImChars });
      return;
    }
    this.typingNotifier(peer).stop();
    this.draft = '';
    void this.state.sendIm(peer, text);
  }
}

customElements.define('conversation-view', ConversationView);
