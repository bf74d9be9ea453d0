import { LitElement, css, html, nothing } from 'lit';
import { ApiError, ParleyApi, type WebSession } from './api';
import { AppState } from './app-state';
import type { MessageKey } from './i18n/en';
import { DEFAULT_LANGUAGE, isLanguageTag, pickLanguage, Translator, type LanguageTag } from './i18n/i18n';
import { voicemailIcon } from './icons';
import { notifyIfHidden } from './notifications';
import { EarlySocket } from './early-socket';
import { browserClock, PresenceClient, type ConnectionState, type SocketLike } from './presence-client';
import { baseStyles } from './styles';
import { browserTimeZone } from './time';
import './calendar-glance';
import './contact-list';
import './conversation-view';
import './language-switcher';
import './oof-panel';
import './presence-picker';
import './settings-panel';
import './sign-in-view';
import './voicemail-view';

export type View = 'contacts' | 'conversations' | 'calendar' | 'voicemail' | 'oof' | 'settings';
const VIEWS: readonly { view: View; label: MessageKey }[] = [
  { view: 'contacts', label: 'nav.contacts' },
  { view: 'conversations', label: 'nav.conversations' },
  { view: 'calendar', label: 'nav.calendar' },
  { view: 'voicemail', label: 'nav.voicemail' },
  { view: 'oof', label: 'nav.oof' },
  { view: 'settings', label: 'nav.settings' },
];

const LANGUAGE_KEY = 'parley.language';
const NAMES_KEY = 'parley.names';

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null; // Storage disabled by the browser's privacy settings: nothing is remembered.
  }
}

function initialLanguage(): LanguageTag {
  const stored = storage()?.getItem(LANGUAGE_KEY);
  if (isLanguageTag(stored)) return stored;
  return pickLanguage(navigator.languages?.length ? navigator.languages : [navigator.language ?? DEFAULT_LANGUAGE]);
}

function presenceUrl(): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/presence`;
}

/** The application: sign-in, then the header (own presence, voicemail, connection) and the views. */
export class AppShell extends LitElement {
  static override properties = {
    phase: { state: true },
    view: { state: true },
    t: { state: true },
    notice: { state: true },
    tick: { state: true },
  };

  static override styles = [
    baseStyles,
    css`
      :host {
        min-height: 100vh;
        display: flex;
        flex-direction: column;
      }
      header {
        background: var(--header-bg);
        color: var(--header-text);
        padding: 0.5rem 1rem;
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem 1rem;
        align-items: center;
      }
      header h1 {
        font-size: 1.25rem;
        margin: 0;
        margin-inline-end: auto;
      }
      header button,
      header select {
        border-color: var(--header-text);
        background: transparent;
        color: var(--header-text);
      }
      header button:hover:not(:disabled) {
        background: var(--header-hover);
      }
      header option {
        color: var(--text);
        background: var(--bg);
      }
      header :focus-visible {
        outline-color: var(--header-text);
      }
      header button.voicemail {
        gap: 0.35rem;
        padding: 0.2rem 0.6rem;
        min-height: 2rem;
        border-radius: 999px;
      }
      .voicemail[data-new='0'] {
        opacity: 0.85;
      }
      .voicemail .count {
        font-weight: 700;
      }
      .me {
        font-size: 0.875rem;
      }
      .own {
        background: var(--surface);
        border-bottom: 1px solid var(--border);
        padding: 0.75rem 1rem;
      }
      .banner {
        padding: 0.5rem 1rem;
        background: var(--warning-bg);
        color: var(--warning-text);
        border-bottom: 1px solid var(--border);
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        align-items: center;
      }
      nav {
        border-bottom: 1px solid var(--border);
        padding: 0 1rem;
      }
      nav ul {
        list-style: none;
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem;
        margin: 0;
        padding: 0;
      }
      nav button {
        border: none;
        border-bottom: 3px solid transparent;
        border-radius: 0;
        background: none;
        padding: 0.6rem 0.8rem;
      }
      nav button[aria-current='page'] {
        border-bottom-color: var(--accent);
        font-weight: 700;
        color: var(--accent);
      }
      .badge {
        background: var(--danger);
        color: var(--on-accent);
        border-radius: 999px;
        padding: 0 0.45rem;
        font-size: 0.8rem;
        font-weight: 700;
      }
      main {
        flex: 1;
        padding: 1rem;
        width: 100%;
        max-width: 72rem;
        margin: 0 auto;
      }
      @media (max-width: 480px) {
        header,
        .own,
        nav,
        main {
          padding-inline: 0.5rem;
        }
      }
    `,
  ];

  phase: 'loading' | 'signed-out' | 'signed-in' = 'loading';
  view: View = 'contacts';
  t: Translator;
  notice: string | null = null;
  tick = 0;
  private readonly api = new ParleyApi();
  private state: AppState | null = null;
  private unsubscribe: (() => void) | null = null;
  private ticker: ReturnType<typeof setInterval> | null = null;
  private readonly onActivity = () => this.state?.reportActivity();
  private readonly onVisibility = () => {
    const active = this.state?.conversations.active;
    if (document.visibilityState === 'visible' && this.view === 'conversations' && active) this.state?.conversations.markRead(active);
  };

  constructor() {
    super();
    this.t = new Translator(initialLanguage(), browserTimeZone());
    document.documentElement.lang = this.t.language;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('keydown', this.onActivity, { passive: true });
    window.addEventListener('pointerdown', this.onActivity, { passive: true });
    document.addEventListener('visibilitychange', this.onVisibility);
    void this.restoreSession();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('keydown', this.onActivity);
    window.removeEventListener('pointerdown', this.onActivity);
    document.removeEventListener('visibilitychange', this.onVisibility);
    this.endSession(null);
  }

  override render() {
    const { t } = this;
    return html`
      <header>
        <h1>${t.t('app.name')}</h1>
        ${this.phase === 'signed-in' && this.state ? this.renderHeaderSession(this.state) : nothing}
        <language-switcher .t=${t} @language-change=${this.changeLanguage}></language-switcher>
      </header>
      ${this.phase === 'signed-in' && this.state ? this.renderSignedIn(this.state) : nothing}
      ${this.phase === 'loading' ? html`<main><p role="status">${t.t('app.loading')}</p></main>` : nothing}
      ${
        this.phase === 'signed-out'
          ? html`<main>
              <sign-in-view .t=${t} .api=${this.api} .notice=${this.notice} @signed-in=${this.signedIn}></sign-in-view>
            </main>`
          : nothing
      }
    `;
  }

  private renderHeaderSession(state: AppState) {
    const { t } = this;
    const waiting = state.messageWaiting;
    const newCount = waiting?.newMessages ?? 0;
    const oldCount = waiting?.oldMessages ?? 0;
    const label = `${t.t('voicemail.new', { count: newCount })}, ${t.t('voicemail.old', { count: oldCount })}`;
    // The badge opens the voicemail view. Its name says both counts, the visible number (the new ones) as a word of it.
    return html`
      <button
        type="button"
        class="voicemail"
        data-testid="message-waiting"
        data-new=${newCount}
        data-old=${oldCount}
        aria-label=${t.t('voicemail.show', { summary: label })}
        title=${label}
        @click=${() => this.show('voicemail')}
      >
        ${voicemailIcon}<span class="count">${newCount}</span>
      </button>
      <span class="me" data-testid="signed-in-as"
        >${t.t('shell.signedInAs', { name: state.session.displayName || state.session.address })}</span
      >
      <button type="button" data-testid="sign-out" @click=${this.signOut}>${t.t('shell.signOut')}</button>
    `;
  }

  private renderSignedIn(state: AppState) {
    const { t } = this;
    const unread = state.conversations.totalUnread;
    return html`
      <aside class="own" aria-label=${t.t('picker.label')}><presence-picker .state=${state} .t=${t}></presence-picker></aside>
      <div role="status" data-testid="connection-status" data-status=${state.connection.status}>
        ${state.connection.status === 'open' ? nothing : html`<div class="banner">${this.renderConnection(state.connection)}</div>`}
      </div>
      <nav aria-label=${t.t('shell.navigation')}>
        <ul>
          ${VIEWS.map(
            ({ view, label }) => html`
              <li>
                <button
                  type="button"
                  data-testid="nav-${view}"
                  aria-current=${this.view === view ? 'page' : 'false'}
                  @click=${() => this.show(view)}
                >
                  ${t.t(label)}
                  ${
                    view === 'conversations' && unread > 0
                      ? html`<span class="badge" data-testid="nav-unread"
                          ><span aria-hidden="true">${unread}</span
                          ><span class="visually-hidden">${t.t('conversations.unread', { count: unread })}</span></span
                        >`
                      : nothing
                  }
                </button>
              </li>
            `,
          )}
        </ul>
      </nav>
      <main>${this.renderView(state)}</main>
    `;
  }

  private renderView(state: AppState) {
    const { t } = this;
    switch (this.view) {
      case 'contacts':
        return html`<contact-list .state=${state} .t=${t} @open-conversation=${this.openConversation}></contact-list>`;
      case 'conversations':
        return html`<conversation-view .state=${state} .t=${t}></conversation-view>`;
      case 'calendar':
        return html`<calendar-glance .state=${state} .t=${t}></calendar-glance>`;
      case 'voicemail':
        return html`<voicemail-view .state=${state} .t=${t}></voicemail-view>`;
      case 'oof':
        return html`<oof-panel .state=${state} .t=${t}></oof-panel>`;
      case 'settings':
        return html`<settings-panel .t=${t}></settings-panel>`;
    }
  }

  private renderConnection(connection: ConnectionState) {
    const { t } = this;
    switch (connection.status) {
      case 'open':
        return nothing;
      case 'connecting':
        return html`<span>${t.t('connection.connecting')}</span>`;
      case 'waiting': {
        const seconds = Math.max(0, Math.ceil((connection.retryAt - Date.now()) / 1000));
        return html`<span>${seconds > 0 ? t.t('connection.waiting', { count: seconds }) : t.t('connection.checking')}</span>
          <button type="button" data-testid="reconnect" @click=${() => this.state?.reconnect()}>${t.t('connection.reconnectNow')}</button>`;
      }
      case 'closed': {
        if (connection.reason === 'stopped' || connection.reason === 'signed-out') return nothing;
        const reason = connection.close?.reason ?? '';
        const text =
          reason === 'too many connections for this user'
            ? t.t('connection.tooManyConnections')
            : reason === 'rate limit exceeded'
              ? t.t('connection.rateLimited')
              : t.t('connection.closed', { detail: reason || String(connection.close?.code ?? '') });
        return html`<span data-testid="connection-closed">${text}</span>
          <button type="button" data-testid="reconnect" @click=${() => this.state?.reconnect()}>${t.t('connection.reconnectNow')}</button>`;
      }
    }
  }

  private show(view: View): void {
    this.view = view;
    if (view === 'conversations') {
      const active = this.state?.conversations.active;
      if (active) this.state?.conversations.markRead(active);
    }
  }

  private async openConversation(event: CustomEvent<string>): Promise<void> {
    this.state?.openConversation(event.detail);
    this.view = 'conversations';
    await this.updateComplete;
    const view = this.renderRoot.querySelector('conversation-view') as
      (HTMLElement & { focusInput(): void; updateComplete: Promise<unknown> }) | null;
    await view?.updateComplete;
    view?.focusInput();
  }

  private changeLanguage(event: CustomEvent<LanguageTag>): void {
    this.t = new Translator(event.detail, browserTimeZone());
    document.documentElement.lang = event.detail;
    storage()?.setItem(LANGUAGE_KEY, event.detail);
  }

  private async restoreSession(): Promise<void> {
    // The presence socket is opened together with the session read, not after it: the cookie signs
    // both in, and the first view no longer waits for one round trip before the other (bench:web).
    const early = new EarlySocket(new WebSocket(presenceUrl()) as unknown as SocketLike);
    try {
      const session = await this.api.currentSession();
      if (session) this.startSession(session, early);
      else {
        early.close();
        this.phase = 'signed-out';
      }
    } catch (error) {
      early.close();
      this.notice = error instanceof ApiError && error.kind === 'network' ? this.t.t('signIn.network') : null;
      this.phase = 'signed-out';
    }
  }

  private signedIn(event: CustomEvent<WebSession>): void {
    this.notice = null;
    this.startSession(event.detail);
  }

  private startSession(session: WebSession, early?: EarlySocket): void {
    let first = early;
    const client = new PresenceClient({
      url: presenceUrl(),
      createSocket: (url) => {
        if (!first) return new WebSocket(url) as unknown as SocketLike;
        const socket = first;
        first = undefined;
        // The client sets its handlers right after this returns; then what the socket got meanwhile is handed over.
        queueMicrotask(() => socket.release());
        return socket;
      },
      sessionIsValid: async () => (await this.api.currentSession()) !== null,
    });
    const names = storage();
    const state = new AppState({
      api: this.api,
      client,
      clock: browserClock,
      session,
      isSeen: (peer) =>
        document.visibilityState === 'visible' && this.view === 'conversations' && this.state?.conversations.active === peer,
      notifyUnseen: (from, text) =>
        notifyIfHidden(this.t.t('notification.title', { name: state.displayName(from) }), text, `parley-im-${from}`, () =>
          this.openConversation(new CustomEvent('open-conversation', { detail: from })),
        ),
      nameStore: {
        load: () => {
          try {
            return JSON.parse(names?.getItem(NAMES_KEY) ?? '{}') as Record<string, string>;
          } catch {
            return {};
          }
        },
        save: (all) => names?.setItem(NAMES_KEY, JSON.stringify(all)),
      },
    });
    this.state = state;
    this.unsubscribe = state.onChange(() => this.stateChanged(state));
    this.view = 'contacts';
    this.phase = 'signed-in';
    state.start();
  }

  private stateChanged(state: AppState): void {
    if (state.connection.status === 'closed' && state.connection.reason === 'signed-out') {
      this.endSession(this.t.t('signIn.expired'));
      return;
    }
    const unread = state.conversations.totalUnread;
    document.title = unread > 0 ? `(${unread}) ${this.t.t('app.name')}` : this.t.t('app.name');
    // The reconnect countdown is shown in seconds: tick while waiting.
    if (state.connection.status === 'waiting' && !this.ticker) this.ticker = setInterval(() => (this.tick += 1), 1000);
    if (state.connection.status !== 'waiting' && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = null;
    }
    this.requestUpdate();
  }

  private endSession(notice: string | null): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.state?.stop();
    this.state = null;
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
    document.title = this.t.t('app.name');
    this.notice = notice;
    this.phase = 'signed-out';
  }

  private async signOut(): Promise<void> {
    try {
      await this.api.signOut();
    } catch {
      // The cookie may already be gone (expired); the client forgets the session either way.
    }
    this.endSession(null);
  }
}

customElements.define('parley-app', AppShell);
