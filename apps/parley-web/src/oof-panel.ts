import { css, html, nothing } from 'lit';
import { errorText } from './errors';
import {
  formFromSetting,
  instantOf,
  loadOof,
  saveOof,
  settingFromForm,
  validateOofForm,
  type AutomaticRepliesSetting,
  type ExternalAudience,
  type OofForm,
  type OofStatus,
} from './oof';
import { StateElement } from './state-element';
import { baseStyles } from './styles';
import { browserTimeZone } from './time';

const STATUSES: readonly OofStatus[] = ['disabled', 'alwaysEnabled', 'scheduled'];
const AUDIENCES: readonly ExternalAudience[] = ['none', 'contactsOnly', 'all'];

/** Out-of-office (automatic replies): shows the server's setting and saves changes to it. */
export class OofPanel extends StateElement {
  static override properties = {
    current: { state: true },
    form: { state: true },
    loading: { state: true },
    saving: { state: true },
    loadError: { state: true },
    message: { state: true },
    failed: { state: true },
    showProblems: { state: true },
  };

  static override styles = [
    baseStyles,
    css`
      :host {
        max-width: 44rem;
      }
      fieldset {
        border: 1px solid var(--border);
        border-radius: var(--radius);
        margin: 0 0 1rem;
        padding: 0.75rem 1rem;
      }
      legend {
        font-weight: 700;
        padding: 0 0.25rem;
      }
      .choice {
        display: flex;
        gap: 0.5rem;
        align-items: center;
        margin: 0.35rem 0;
      }
      .choice label {
        font-weight: 400;
        margin: 0;
      }
      input[type='radio'] {
        width: 1.1rem;
        height: 1.1rem;
      }
      .window {
        display: flex;
        flex-wrap: wrap;
        gap: 1rem;
      }
      .current {
        padding: 0.6rem 0.8rem;
        border-inline-start: 4px solid var(--accent);
        background: var(--surface);
        margin-bottom: 1rem;
      }
    `,
  ];

  current: AutomaticRepliesSetting | null = null;
  form: OofForm | null = null;
  loading = false;
  saving = false;
  loadError: string | null = null;
  message: string | null = null;
  failed = false;
  showProblems = false;
  private readonly timeZone = browserTimeZone();

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  override render() {
    const { t } = this;
    return html`
      <h2>${t.t('oof.heading')}</h2>
      ${this.loading ? html`<p role="status">${t.t('oof.loading')}</p>` : nothing}
      ${
        this.loadError
          ? html`<p role="alert" class="error" data-testid="oof-error">${this.loadError}</p>
              <button type="button" @click=${this.load}>${t.t('oof.retry')}</button>`
          : nothing
      }
      ${this.current ? html`<p class="current" role="status" data-testid="oof-current">${this.describe(this.current)}</p>` : nothing}
      ${this.form ? this.renderForm(this.form) : nothing}
    `;
  }

  private renderForm(form: OofForm) {
    const { t } = this;
    const problem = validateOofForm(form, this.timeZone);
    const shownProblem = this.showProblems ? problem : null;
    return html`
      <form data-testid="oof-form" @submit=${this.save} novalidate>
        <fieldset>
          <legend>${t.t('oof.status')}</legend>
          ${STATUSES.map(
            (status) => html`
              <div class="choice">
                <input
                  type="radio"
                  id="status-${status}"
                  name="status"
                  value=${status}
                  data-testid="oof-status-${status}"
                  .checked=${form.status === status}
                  @change=${() => this.edit({ status })}
                />
                <label for="status-${status}">${t.t(`oof.status.${status}`)}</label>
              </div>
            `,
          )}
        </fieldset>
        ${
          form.status === 'scheduled'
            ? html`
                <fieldset>
                  <legend>${t.t('oof.status.scheduled')}</legend>
                  <div class="window">
                    <div class="field">
                      <label for="start">${t.t('oof.start')}</label>
                      <input
                        id="start"
                        type="datetime-local"
                        data-testid="oof-start"
                        .value=${form.start}
                        aria-invalid=${shownProblem === 'missing-window' && !form.start ? 'true' : 'false'}
                        aria-describedby="window-problem zone"
                        @input=${(e: Event) => this.edit({ start: (e.target as HTMLInputElement).value })}
                      />
                    </div>
                    <div class="field">
                      <label for="end">${t.t('oof.end')}</label>
                      <input
                        id="end"
                        type="datetime-local"
                        data-testid="oof-end"
                        .value=${form.end}
                        min=${form.start || nothing}
                        aria-invalid=${shownProblem ? 'true' : 'false'}
                        aria-describedby="window-problem zone"
                        @input=${(e: Event) => this.edit({ end: (e.target as HTMLInputElement).value })}
                      />
                    </div>
                  </div>
                  <p id="zone" class="hint">${t.t('oof.timeZone', { zone: this.timeZone })}</p>
                  <p id="window-problem" class="error" role="alert" data-testid="oof-validation">
                    ${shownProblem === 'missing-window' ? t.t('oof.missingWindow') : shownProblem === 'end-before-start' ? t.t('oof.endBeforeStart') : ''}
                  </p>
                </fieldset>
              `
            : nothing
        }
        <div class="field">
          <label for="internal">${t.t('oof.internal')}</label>
          <textarea
            id="internal"
            rows="4"
            data-testid="oof-internal"
            .value=${form.internalReply}
            @input=${(e: Event) => this.edit({ internalReply: (e.target as HTMLTextAreaElement).value })}
          ></textarea>
        </div>
        <div class="field">
          <label for="audience">${t.t('oof.audience')}</label>
          <select
            id="audience"
            data-testid="oof-audience"
            @change=${(e: Event) => this.edit({ externalAudience: (e.target as HTMLSelectElement).value as ExternalAudience })}
          >
            ${AUDIENCES.map((a) => html`<option value=${a} ?selected=${form.externalAudience === a}>${t.t(`oof.audience.${a}`)}</option>`)}
          </select>
        </div>
        <div class="field">
          <label for="external">${t.t('oof.external')}</label>
          <textarea
            id="external"
            rows="4"
            data-testid="oof-external"
            .value=${form.externalReply}
            ?disabled=${form.externalAudience === 'none'}
            @input=${(e: Event) => this.edit({ externalReply: (e.target as HTMLTextAreaElement).value })}
          ></textarea>
        </div>
        <div class="row">
          <button type="submit" class="primary" data-testid="oof-save" ?disabled=${this.saving}>
            ${this.saving ? t.t('oof.saving') : t.t('oof.save')}
          </button>
          <span class=${this.failed ? 'error' : 'success'} role=${this.failed ? 'alert' : 'status'} data-testid="oof-message">
            ${this.message ?? ''}
          </span>
        </div>
      </form>
    `;
  }

  private describe(setting: AutomaticRepliesSetting): string {
    const { t } = this;
    if (setting.status !== 'scheduled') return t.t(`oof.current.${setting.status}`);
    const start = instantOf(setting.scheduledStartDateTime);
    const end = instantOf(setting.scheduledEndDateTime);
    if (Number.isNaN(start) || Number.isNaN(end)) return t.t('oof.current.alwaysEnabled');
    return t.t('oof.current.scheduled', { start: t.dateTime(start), end: t.dateTime(end) });
  }

  private edit(change: Partial<OofForm>): void {
    if (!this.form) return;
    this.form = { ...this.form, ...change };
    this.message = null;
  }

  private async load(): Promise<void> {
    this.loading = true;
    this.loadError = null;
    try {
      const setting = await loadOof(this.state.api);
      this.current = setting;
      this.form = formFromSetting(setting, this.timeZone);
    } catch (error) {
      this.loadError = this.t.t('oof.loadFailed', { detail: errorText(this.t, error) });
    } finally {
      this.loading = false;
    }
  }

  private async save(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = this.form;
    if (!form) return;
    if (validateOofForm(form, this.timeZone)) {
      this.showProblems = true;
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLInputElement>(form.start ? '#end' : '#start')?.focus();
      return;
    }
    this.showProblems = false;
    this.saving = true;
    this.message = null;
    try {
      const saved = await saveOof(this.state.api, settingFromForm(form, this.timeZone));
      this.current = saved;
      this.form = formFromSetting(saved, this.timeZone);
      this.failed = false;
      this.message = this.t.t('oof.saved');
    } catch (error) {
      this.failed = true;
      this.message = this.t.t('oof.saveFailed', { detail: errorText(this.t, error) });
    } finally {
      this.saving = false;
    }
  }
}

customElements.define('oof-panel', OofPanel);
