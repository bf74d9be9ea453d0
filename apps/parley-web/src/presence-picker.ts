import { css, html, nothing } from 'lit';
import { live } from 'lit/directives/live.js';
import { errorText } from './errors';
import type { MessageKey } from './i18n/en';
import { activityText, availabilityLabel, AUTOMATIC, isIdle, PICKABLE_STATES, pickedStateOf, toneOf } from './presence-format';
import { MAX_NOTE_CHARS, type UserState } from './protocol';
import { StateElement } from './state-element';
import { baseStyles, presenceDotStyles } from './styles';

/** Own presence: the computed state (a live status), the state picker and the personal note. */
export class PresencePicker extends StateElement {
  static override properties = {
    noteDraft: { state: true },
    message: { state: true },
    failed: { state: true },
  };

  static override styles = [
    baseStyles,
    presenceDotStyles,
    css`
      :host {
        display: flex;
        flex-wrap: wrap;
        gap: 0.75rem 1.25rem;
        align-items: flex-end;
      }
      .now {
        display: flex;
        align-items: center;
        gap: 0.5rem;
        min-width: 12rem;
      }
      .now .text {
        display: flex;
        flex-direction: column;
      }
      .now .activity {
        color: var(--muted);
        font-size: 0.875rem;
      }
      .note {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        align-items: flex-end;
        flex: 1 1 16rem;
      }
      .note .field {
        flex: 1 1 12rem;
        margin: 0;
      }
      .note input {
        width: 100%;
      }
      .field {
        margin: 0;
      }
      .feedback {
        flex-basis: 100%;
        margin: 0;
        min-height: 1.25rem;
      }
    `,
  ];

  noteDraft: string | null = null;
  message: string | null = null;
  failed = false;

  override render() {
    const { t, state } = this;
    const own = state.own;
    const picked = pickedStateOf(own);
    const disabled = state.connection.status !== 'open';
    const note = this.noteDraft ?? this.currentNote();
    const tone = own ? toneOf(own.token) : 'offline';
    const label = own ? availabilityLabel(t, own.token) : t.t('availability.offline');
    const activity = own ? activityText(t, own, Date.now()) : null;
    return html`
      <div class="now" role="status" data-testid="own-presence" data-token=${own?.token ?? 'offline'}>
        <span class="dot ${tone} ${own && isIdle(own.token) ? 'idle' : ''}" aria-hidden="true"></span>
        <span class="text">
          <span>${t.t('picker.now', { status: label })}</span>
          ${activity ? html`<span class="activity">${activity}</span>` : nothing}
        </span>
      </div>
      <div class="field">
        <label for="state">${t.t('picker.label')}</label>
        <select id="state" data-testid="state-picker" ?disabled=${disabled} .value=${live(picked)} @change=${this.pick}>
          ${PICKABLE_STATES.map(
            (s) => html`<option value=${s} ?selected=${picked === s}>${t.t(`picker.state.${s}` as MessageKey)}</option>`,
          )}
          <option value=${AUTOMATIC} ?selected=${picked === AUTOMATIC}>
            ${picked === AUTOMATIC ? t.t('picker.automatic') : t.t('picker.reset')}
          </option>
        </select>
      </div>
      <form class="note" @submit=${this.saveNote}>
        <div class="field">
          <label for="note">${t.t('picker.note')}</label>
          <input
            id="note"
            type="text"
            data-testid="note-input"
            maxlength=${MAX_NOTE_CHARS}
            .value=${note}
            placeholder=${t.t('picker.notePlaceholder')}
            aria-describedby="note-remaining"
            ?disabled=${disabled}
            @input=${(e: InputEvent) => (this.noteDraft = (e.target as HTMLInputElement).value)}
          />
          <span id="note-remaining" class="hint">${t.t('picker.noteRemaining', { count: MAX_NOTE_CHARS - [...note].length })}</span>
        </div>
        <button type="submit" data-testid="note-save" ?disabled=${disabled || this.noteDraft === null}>${t.t('picker.noteSave')}</button>
      </form>
      <p class="feedback ${this.failed ? 'error' : 'success'}" role=${this.failed ? 'alert' : 'status'} data-testid="presence-feedback">
        ${this.message ?? ''}
      </p>
    `;
  }

  private currentNote(): string {
    const own = this.state.own;
    if (own?.note?.kind === 'personal') return own.note.text;
    return this.state.settings?.note ?? '';
  }

  private async pick(event: Event): Promise<void> {
    const value = (event.target as HTMLSelectElement).value;
    this.message = null;
    try {
      if (value === AUTOMATIC) await this.state.resetState();
      else await this.state.setState(value as UserState);
      this.failed = false;
    } catch (error) {
      this.failed = true;
      this.message = errorText(this.t, error);
    }
    // The select shows the server's answer (the presence that follows), not the click.
    this.requestUpdate();
  }

  private async saveNote(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    if (this.noteDraft === null) return;
    try {
      await this.state.setNote(this.noteDraft.slice(0, MAX_NOTE_CHARS));
      this.noteDraft = null;
      this.failed = false;
      this.message = this.t.t('picker.noteSaved');
    } catch (error) {
      this.failed = true;
      this.message = errorText(this.t, error);
    }
  }
}

customElements.define('presence-picker', PresencePicker);
