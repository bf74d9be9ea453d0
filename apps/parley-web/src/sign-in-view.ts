import { LitElement, css, html, nothing } from 'lit';
import { ApiError, type ParleyApi, type WebSession } from './api';
import type { Translator } from './i18n/i18n';
import { baseStyles } from './styles';

/** The sign-in form; fires `signed-in` with the session. */
export class SignInView extends LitElement {
  static override properties = {
    t: { attribute: false },
    api: { attribute: false },
    notice: { attribute: false },
    busy: { state: true },
    error: { state: true },
  };

  static override styles = [
    baseStyles,
    css`
      :host {
        max-width: 24rem;
        margin: 2rem auto;
        padding: 1.5rem;
        background: var(--bg);
        border: 1px solid var(--border);
        border-radius: calc(var(--radius) * 2);
      }
      h2 {
        font-size: 1.5rem;
      }
      input {
        width: 100%;
      }
      button.primary {
        width: 100%;
      }
    `,
  ];

  t!: Translator;
  api!: ParleyApi;
  /** A message shown above the form (e.g. the session ended). */
  notice: string | null = null;
  busy = false;
  error: string | null = null;

  override render() {
    const { t } = this;
    return html`
      <form data-testid="signin-form" @submit=${this.submit} novalidate aria-labelledby="signin-heading">
        <h2 id="signin-heading">${t.t('signIn.heading')}</h2>
        <p class="hint">${t.t('signIn.intro')}</p>
        ${this.notice ? html`<p role="status" data-testid="signin-notice">${this.notice}</p>` : nothing}
        <div class="field">
          <label for="address">${t.t('signIn.address')}</label>
          <input
            id="address"
            name="address"
            type="email"
            autocomplete="username"
            required
            data-testid="signin-address"
            aria-invalid=${this.error ? 'true' : 'false'}
            aria-describedby=${this.error ? 'signin-error' : nothing}
          />
        </div>
        <div class="field">
          <label for="password">${t.t('signIn.password')}</label>
          <input
            id="password"
            name="password"
            type="password"
            autocomplete="current-password"
            required
            data-testid="signin-password"
            aria-invalid=${this.error ? 'true' : 'false'}
            aria-describedby=${this.error ? 'signin-error' : nothing}
          />
        </div>
        <div role="alert" id="signin-error" class="error field" data-testid="signin-error">${this.error ?? ''}</div>
        <button class="primary" type="submit" data-testid="signin-submit" ?disabled=${this.busy}>
          ${this.busy ? t.t('signIn.busy') : t.t('signIn.submit')}
        </button>
      </form>
    `;
  }

  private async submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const address = String(data.get('address') ?? '').trim();
    const password = String(data.get('password') ?? '');
    if (!address || !password) {
      this.error = this.t.t('signIn.wrongCredentials');
      return;
    }
    this.busy = true;
    this.error = null;
    try {
      const session: WebSession = await this.api.signIn(address, password);
      form.reset();
      this.dispatchEvent(new CustomEvent('signed-in', { detail: session, bubbles: true, composed: true }));
    } catch (error) {
      this.error = this.describe(error);
      const field = this.renderRoot.querySelector<HTMLInputElement>('#password');
      field?.select();
    } finally {
      this.busy = false;
    }
  }

  private describe(error: unknown): string {
    const { t } = this;
    if (error instanceof ApiError) {
      if (error.kind === 'unauthorized') return t.t('signIn.wrongCredentials');
      if (error.kind === 'throttled') {
        return error.retryAfterSeconds !== undefined
          ? t.t('signIn.throttled', { count: error.retryAfterSeconds })
          : t.t('signIn.throttledNoWait');
      }
      if (error.kind === 'network') return t.t('signIn.network');
      return t.t('signIn.failed', { detail: error.message });
    }
    return t.t('signIn.failed', { detail: String(error) });
  }
}

customElements.define('sign-in-view', SignInView);
