import { LitElement, css, html } from 'lit';
import { languages, languageTags, type LanguageTag, type Translator } from './i18n/i18n';
import { baseStyles } from './styles';

/** Chooses the UI language; fires `language-change` with the tag. */
export class LanguageSwitcher extends LitElement {
  static override properties = {
    t: { attribute: false },
  };

  static override styles = [
    baseStyles,
    css`
      :host {
        display: inline-block;
        /* Takes the colour of where it sits (the dark header). */
        color: inherit;
      }
      select {
        color: var(--text);
      }
      label {
        display: inline;
        margin-inline-end: 0.4rem;
        font-weight: 400;
      }
    `,
  ];

  t!: Translator;

  override render() {
    const current = this.t.language;
    return html`
      <label for="language">${this.t.t('settings.language')}</label>
      <select id="language" data-testid="language-switcher" @change=${this.changed}>
        ${languageTags.map((tag) => html`<option value=${tag} lang=${tag} ?selected=${tag === current}>${languages[tag].name}</option>`)}
      </select>
    `;
  }

  private changed(event: Event): void {
    const tag = (event.target as HTMLSelectElement).value as LanguageTag;
    this.dispatchEvent(new CustomEvent('language-change', { detail: tag, bubbles: true, composed: true }));
  }
}

customElements.define('language-switcher', LanguageSwitcher);
