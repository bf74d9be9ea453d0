import { css, html, nothing } from 'lit';
import { errorText } from './errors';
import { playIcon } from './icons';
import { StateElement } from './state-element';
import { baseStyles } from './styles';
import {
  audioAttachmentOf,
  audioSource,
  deleteMessage,
  formatDuration,
  loadAttachments,
  loadVoicemailPage,
  setRead,
  VOICEMAIL_PAGE_SIZE,
  voicemailListPath,
  type Voicemail,
} from './voicemail';

/** The in-page player of one message: finding its recording, then an <audio> element on it. */
type Player =
  | { id: string; status: 'loading' }
  | { id: string; status: 'ready'; src: string; duration: number | null }
  | { id: string; status: 'no-audio' | 'failed' };

/** Graph's largest page: a refresh asks for as many as are shown, up to this. */
const MAX_REFRESH_TOP = 1000;

/**
 * The voicemail folder: caller, time, length and read state of each message, with playback in the
 * page, mark read/unread and delete. Reloads when opened and whenever the server's message-waiting
 * counts change (a new voicemail, one read or deleted elsewhere).
 */
export class VoicemailView extends StateElement {
  static override properties = {
    items: { state: true },
    total: { state: true },
    next: { state: true },
    loading: { state: true },
    loadError: { state: true },
    message: { state: true },
    failed: { state: true },
    player: { state: true },
    confirming: { state: true },
    dialogError: { state: true },
    pending: { state: true },
  };

  static override styles = [
    baseStyles,
    css`
      :host {
        max-width: 48rem;
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
      }
      li.vm {
        padding: 0.6rem 0.5rem;
        border-bottom: 1px solid var(--border);
        display: flex;
        flex-wrap: wrap;
        gap: 0.35rem 1rem;
        align-items: center;
      }
      .who {
        flex: 1 1 14rem;
        min-width: 0;
        display: flex;
        flex-direction: column;
      }
      .caller {
        overflow-wrap: anywhere;
      }
      .unread .caller {
        font-weight: 700;
      }
      .meta {
        color: var(--muted);
        font-size: 0.875rem;
        display: flex;
        flex-wrap: wrap;
        gap: 0 0.75rem;
      }
      .duration {
        font-variant-numeric: tabular-nums;
      }
      .tag {
        display: inline-block;
        font-size: 0.75rem;
        font-weight: 700;
        color: var(--on-accent);
        background: var(--accent);
        border-radius: var(--radius);
        padding: 0 0.35rem;
        margin-inline-start: 0.4rem;
        vertical-align: middle;
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem;
      }
      .player {
        flex: 1 1 100%;
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem 1rem;
        align-items: center;
      }
      audio {
        width: min(100%, 24rem);
      }
      .empty {
        color: var(--muted);
      }
      h2:focus {
        outline: none;
      }
      h2:focus-visible {
        outline: 3px solid var(--focus);
      }
    `,
  ];

  items: Voicemail[] | null = null;
  total: number | null = null;
  next: string | null = null;
  loading = false;
  loadError: string | null = null;
  message: string | null = null;
  failed = false;
  player: Player | null = null;
  confirming: Voicemail | null = null;
  dialogError: string | null = null;
  pending = new Set<string>();
  private loadSeq = 0;
  private seenCounts: string | undefined;
  private dialogReturnFocus: HTMLElement | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.loadSeq++;
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    super.willUpdate(changed);
    const counts = JSON.stringify(this.state?.messageWaiting ?? null);
    if (this.seenCounts !== undefined && counts !== this.seenCounts) void this.load();
    this.seenCounts = counts;
  }

  override render() {
    const { t } = this;
    const items = this.items;
    return html`
      <h2 tabindex="-1">${t.t('voicemail.heading')}</h2>
      ${this.loading && !items ? html`<p role="status" data-testid="voicemail-loading">${t.t('voicemail.loading')}</p>` : nothing}
      ${
        this.loadError
          ? html`<p role="alert" class="error" data-testid="voicemail-error">${this.loadError}</p>
              <button type="button" data-testid="voicemail-retry" @click=${() => this.load()}>${t.t('action.retry')}</button>`
          : nothing
      }
      <p role="status" class=${this.failed ? 'error' : 'hint'} data-testid="voicemail-status">${this.message ?? ''}</p>
      ${items && items.length === 0 ? html`<p class="empty" data-testid="voicemail-empty">${t.t('voicemail.empty')}</p>` : nothing}
      ${
        items && items.length > 0
          ? html`
              <p class="hint" data-testid="voicemail-count">
                ${
                  this.total !== null && this.total > items.length
                    ? t.t('voicemail.shown', { shown: items.length, total: this.total })
                    : t.t('voicemail.total', { count: items.length })
                }
              </p>
              <ul role="list" data-testid="voicemail-list">
                ${items.map((v) => this.renderItem(v))}
              </ul>
              ${
                this.next
                  ? html`<button type="button" data-testid="voicemail-more" ?disabled=${this.loading} @click=${this.loadMore}>
                      ${t.t('voicemail.more')}
                    </button>`
                  : nothing
              }
            `
          : nothing
      }
      ${this.renderDialog()}
    `;
  }

  private callerOf(v: Voicemail): string {
    return v.caller || this.t.t('voicemail.unknownCaller');
  }

  private renderItem(v: Voicemail) {
    const { t } = this;
    const caller = this.callerOf(v);
    const busy = this.pending.has(v.id);
    return html`
      <li
        class="vm ${v.isRead ? '' : 'unread'}"
        role="listitem"
        data-testid="voicemail-item"
        data-id=${v.id}
        data-read=${v.isRead ? 'true' : 'false'}
      >
        <span class="who">
          <span
            ><span class="caller" data-testid="voicemail-caller">${caller}</span>${
              v.isRead ? nothing : html`<span class="tag" data-testid="voicemail-unread">${t.t('voicemail.unread')}</span>`
            }</span
          >
          ${v.callerNumber ? html`<span class="meta" data-testid="voicemail-number">${v.callerNumber}</span>` : nothing}
          <span class="meta">
            ${Number.isNaN(v.received) ? nothing : html`<span data-testid="voicemail-received">${t.t('voicemail.received', { time: t.dateTime(v.received) })}</span>`}
            ${
              v.durationSeconds === null
                ? nothing
                : html`<span class="duration" data-testid="voicemail-duration" data-seconds=${v.durationSeconds}
                    >${t.t('voicemail.length', { duration: formatDuration(v.durationSeconds, t.language) })}</span
                  >`
            }
          </span>
        </span>
        <span class="actions">
          <button
            type="button"
            class="primary"
            data-testid="voicemail-play"
            aria-label=${t.t('voicemail.playLabel', { caller })}
            @click=${() => this.play(v)}
          >
            ${playIcon}${t.t('voicemail.play')}
          </button>
          <button
            type="button"
            data-testid="voicemail-toggle-read"
            ?disabled=${busy}
            aria-label=${t.t(v.isRead ? 'voicemail.markUnreadLabel' : 'voicemail.markReadLabel', { caller })}
            @click=${() => this.changeRead(v, !v.isRead)}
          >
            ${t.t(v.isRead ? 'voicemail.markUnread' : 'voicemail.markRead')}
          </button>
          <button
            type="button"
            class="danger"
            data-testid="voicemail-delete"
            ?disabled=${busy}
            aria-label=${t.t('voicemail.deleteLabel', { caller })}
            @click=${(e: Event) => this.confirmDelete(v, e)}
          >
            ${t.t('voicemail.delete')}
          </button>
        </span>
        ${this.player?.id === v.id ? this.renderPlayer(this.player, v) : nothing}
      </li>
    `;
  }

  private renderPlayer(player: Player, v: Voicemail) {
    const { t } = this;
    switch (player.status) {
      case 'loading':
        return html`<div class="player" role="status" data-testid="voicemail-player-status">${t.t('voicemail.loadingAudio')}</div>`;
      case 'no-audio':
        return html`<div class="player" role="status" data-testid="voicemail-player-status">${t.t('voicemail.noAudio')}</div>`;
      case 'failed':
        return html`<div class="player error" role="alert" data-testid="voicemail-player-status">${t.t('voicemail.audioFailed')}</div>`;
      case 'ready':
        return html`<div class="player">
          <audio
            controls
            preload="metadata"
            data-testid="voicemail-player"
            src=${player.src}
            aria-label=${t.t('voicemail.player', { caller: this.callerOf(v) })}
            @loadedmetadata=${(e: Event) => this.durationKnown(v.id, e)}
            @durationchange=${(e: Event) => this.durationKnown(v.id, e)}
            @play=${() => this.played(v.id)}
            @error=${() => this.playerFailed(v.id)}
          ></audio>
          ${
            player.duration !== null
              ? html`<span class="meta duration" data-testid="voicemail-player-duration" data-seconds=${player.duration}
                  >${t.t('voicemail.playerLength', { duration: formatDuration(player.duration, t.language) })}</span
                >`
              : nothing
          }
        </div>`;
    }
  }

  private renderDialog() {
    const { t } = this;
    const target = this.confirming;
    const caller = target ? this.callerOf(target) : '';
    return html`
      <dialog
        role="dialog"
        aria-modal="true"
        aria-labelledby="vm-dialog-title"
        aria-describedby="vm-dialog-body"
        data-testid="voicemail-dialog"
        @close=${this.dialogClosed}
      >
        <form method="dialog" @submit=${this.deleteConfirmed}>
          <h2 id="vm-dialog-title">${t.t('voicemail.deleteTitle')}</h2>
          <p id="vm-dialog-body">
            ${target ? t.t('voicemail.deleteConfirm', { caller, time: Number.isNaN(target.received) ? '' : t.dateTime(target.received) }) : ''}
          </p>
          <p class="error" role="alert">${this.dialogError ?? ''}</p>
          <div class="dialog-actions">
            <button type="button" data-testid="dialog-cancel" @click=${this.closeDialog}>${t.t('dialog.cancel')}</button>
            <button type="submit" class="danger" data-testid="dialog-confirm">${t.t('voicemail.delete')}</button>
          </div>
        </form>
      </dialog>
    `;
  }

  private async load(): Promise<void> {
    const seq = ++this.loadSeq;
    this.loading = true;
    try {
      // A refresh keeps as many messages on screen as were (more pages loaded stay loaded).
      const top = Math.min(MAX_REFRESH_TOP, Math.max(VOICEMAIL_PAGE_SIZE, this.items?.length ?? 0));
      const page = await loadVoicemailPage(this.state.api, voicemailListPath(top));
      if (seq !== this.loadSeq) return;
      this.items = page.items;
      this.total = page.total;
      this.next = page.next;
      this.loadError = null;
      if (this.player && !page.items.some((v) => v.id === this.player?.id)) this.player = null;
    } catch (error) {
      if (seq !== this.loadSeq) return;
      this.loadError = this.t.t('voicemail.loadFailed', { detail: errorText(this.t, error) });
    } finally {
      if (seq === this.loadSeq) this.loading = false;
    }
  }

  private async loadMore(): Promise<void> {
    const next = this.next;
    if (!next) return;
    const seq = ++this.loadSeq;
    this.loading = true;
    try {
      const page = await loadVoicemailPage(this.state.api, next);
      if (seq !== this.loadSeq) return;
      const known = new Set((this.items ?? []).map((v) => v.id));
      this.items = [...(this.items ?? []), ...page.items.filter((v) => !known.has(v.id))];
      this.total = page.total ?? this.total;
      this.next = page.next;
    } catch (error) {
      if (seq !== this.loadSeq) return;
      this.showResult(this.t.t('voicemail.loadFailed', { detail: errorText(this.t, error) }), true);
    } finally {
      if (seq === this.loadSeq) this.loading = false;
    }
  }

  private async play(v: Voicemail): Promise<void> {
    this.player = { id: v.id, status: 'loading' };
    try {
      const attachment = audioAttachmentOf(await loadAttachments(this.state.api, v.id));
      if (this.player?.id !== v.id) return;
      if (!attachment) {
        this.player = { id: v.id, status: 'no-audio' };
        return;
      }
      this.player = { id: v.id, status: 'ready', src: audioSource(v.id, attachment.id), duration: null };
      await this.updateComplete;
      const audio = this.renderRoot.querySelector<HTMLAudioElement>('audio');
      audio?.focus();
      // Started by the user's click; a browser that still refuses leaves the controls to press.
      audio?.play().catch(() => undefined);
      // Playing a message marks it read, as Outlook does.
      await this.played(v.id);
    } catch (error) {
      if (this.player?.id === v.id) this.player = { id: v.id, status: 'failed' };
      this.showResult(this.t.t('voicemail.actionFailed', { detail: errorText(this.t, error) }), true);
    }
  }

  private durationKnown(id: string, event: Event): void {
    const duration = (event.target as HTMLAudioElement).duration;
    const player = this.player;
    if (player?.id !== id || player.status !== 'ready' || !Number.isFinite(duration)) return;
    this.player = { ...player, duration };
  }

  private async played(id: string): Promise<void> {
    const item = this.items?.find((v) => v.id === id);
    if (item && !item.isRead && !this.pending.has(id)) await this.changeRead(item, true);
  }

  private playerFailed(id: string): void {
    if (this.player?.id === id) this.player = { id, status: 'failed' };
  }

  private async changeRead(v: Voicemail, isRead: boolean): Promise<void> {
    this.pending = new Set(this.pending).add(v.id);
    try {
      await setRead(this.state.api, v.id, isRead);
      this.items = (this.items ?? []).map((item) => (item.id === v.id ? { ...item, isRead } : item));
      this.message = null;
    } catch (error) {
      this.showResult(this.t.t('voicemail.actionFailed', { detail: errorText(this.t, error) }), true);
    } finally {
      const pending = new Set(this.pending);
      pending.delete(v.id);
      this.pending = pending;
    }
  }

  private async confirmDelete(v: Voicemail, event: Event): Promise<void> {
    this.dialogReturnFocus = event.currentTarget as HTMLElement;
    this.confirming = v;
    this.dialogError = null;
    await this.updateComplete;
    const dialog = this.renderRoot.querySelector('dialog');
    if (dialog && !dialog.open) dialog.showModal();
    dialog?.querySelector<HTMLButtonElement>('[data-testid="dialog-cancel"]')?.focus();
  }

  private closeDialog(): void {
    this.renderRoot.querySelector('dialog')?.close();
  }

  /** Escape and both buttons end here: focus goes back to the delete button, or to the heading once the message is gone. */
  private dialogClosed(): void {
    this.confirming = null;
    this.dialogError = null;
    const target = this.dialogReturnFocus;
    this.dialogReturnFocus = null;
    if (target?.isConnected) target.focus();
    else this.renderRoot.querySelector<HTMLElement>('h2')?.focus();
  }

  private async deleteConfirmed(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const v = this.confirming;
    if (!v) return;
    this.pending = new Set(this.pending).add(v.id);
    try {
      await deleteMessage(this.state.api, v.id);
      this.items = (this.items ?? []).filter((item) => item.id !== v.id);
      if (this.total !== null) this.total = Math.max(0, this.total - 1);
      if (this.player?.id === v.id) this.player = null;
      this.showResult(this.t.t('voicemail.deleted', { caller: this.callerOf(v) }), false);
      this.dialogReturnFocus = null;
      this.closeDialog();
    } catch (error) {
      this.dialogError = this.t.t('voicemail.actionFailed', { detail: errorText(this.t, error) });
    } finally {
      const pending = new Set(this.pending);
      pending.delete(v.id);
      this.pending = pending;
    }
  }

  private showResult(text: string, failed: boolean): void {
    this.message = text;
    this.failed = failed;
  }
}

customElements.define('voicemail-view', VoicemailView);
