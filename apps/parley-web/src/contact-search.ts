import { css, html, nothing } from 'lit';
import type { DirectoryUser } from './api';
import { errorText } from './errors';
import { StateElement } from './state-element';
import { baseStyles } from './styles';

/** Wait after the last keystroke before searching the directory. */
export const SEARCH_DEBOUNCE_MS = 250;
/** Results asked of the directory per search ($top). */
export const SEARCH_RESULTS = 10;

function addressOf(user: DirectoryUser): string {
  return (user.mail ?? user.userPrincipalName).toLowerCase();
}

/**
 * Adds a contact from the directory: a combobox (debounced search, arrow keys move through the
 * results, Enter adds the highlighted person to the chosen group, Escape closes the list).
 */
export class ContactSearch extends StateElement {
  static override properties = {
    query: { state: true },
    results: { state: true },
    highlighted: { state: true },
    searching: { state: true },
    groupId: { state: true },
    message: { state: true },
    failed: { state: true },
  };

  static override styles = [
    baseStyles,
    css`
      :host {
        border: 1px solid var(--border);
        border-radius: var(--radius);
        padding: 1rem;
        margin-bottom: 1rem;
        background: var(--surface);
      }
      .combo {
        position: relative;
        flex: 1 1 14rem;
      }
      .combo input {
        width: 100%;
      }
      ul[role='listbox'] {
        list-style: none;
        margin: 0.25rem 0 0;
        padding: 0;
        border: 1px solid var(--border-strong);
        border-radius: var(--radius);
        background: var(--bg);
        max-height: 18rem;
        overflow-y: auto;
      }
      li[role='option'] {
        padding: 0.5rem 0.75rem;
        cursor: pointer;
        display: flex;
        flex-direction: column;
      }
      li[role='option'] .address {
        color: var(--muted);
        font-size: 0.875rem;
      }
      li[role='option'][aria-selected='true'] {
        background: var(--accent);
        color: var(--on-accent);
      }
      li[role='option'][aria-selected='true'] .address {
        color: var(--on-accent);
      }
      .row {
        align-items: flex-end;
      }
      .field {
        margin: 0;
      }
      p {
        margin: 0.5rem 0 0;
      }
    `,
  ];

  query = '';
  results: DirectoryUser[] = [];
  highlighted = -1;
  searching = false;
  groupId = '';
  message: string | null = null;
  failed = false;
  private debounce: ReturnType<typeof setTimeout> | null = null;
  private searchSeq = 0;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this.debounce) clearTimeout(this.debounce);
  }

  override render() {
    const { t, state } = this;
    const open = this.results.length > 0;
    const active = this.highlighted >= 0 ? this.results[this.highlighted] : undefined;
    return html`
      <div class="row">
        <div class="combo field">
          <label for="search">${t.t('search.label')}</label>
          <input
            id="search"
            type="search"
            autocomplete="off"
            data-testid="search-input"
            role="combobox"
            aria-autocomplete="list"
            aria-expanded=${open ? 'true' : 'false'}
            aria-controls="results"
            aria-activedescendant=${active ? `result-${this.highlighted}` : nothing}
            placeholder=${t.t('search.placeholder')}
            .value=${this.query}
            @input=${this.typed}
            @keydown=${this.keydown}
          />
          <ul id="results" role="listbox" aria-label=${t.t('search.label')} data-testid="search-results" ?hidden=${!open}>
            ${this.results.map(
              (user, index) => html`
                <li
                  id="result-${index}"
                  role="option"
                  aria-selected=${index === this.highlighted ? 'true' : 'false'}
                  data-testid="search-result-${addressOf(user)}"
                  @mousedown=${(e: Event) => e.preventDefault()}
                  @click=${() => this.add(user)}
                >
                  <span>${user.displayName || addressOf(user)}</span>
                  <span class="address">${addressOf(user)}</span>
                </li>
              `,
            )}
          </ul>
        </div>
        <div class="field">
          <label for="group">${t.t('search.group')}</label>
          <select id="group" data-testid="search-group" @change=${(e: Event) => (this.groupId = (e.target as HTMLSelectElement).value)}>
            <option value="" ?selected=${this.groupId === ''}>${t.t('contacts.other')}</option>
            ${state.groups.map((g) => html`<option value=${g.id} ?selected=${this.groupId === g.id}>${g.name}</option>`)}
          </select>
        </div>
        <button type="button" class="primary" data-testid="search-add" ?disabled=${!active} @click=${() => active && this.add(active)}>
          ${t.t('search.add')}
        </button>
      </div>
      <p role="status" class=${this.failed ? 'error' : ''} data-testid="search-status">${this.statusText()}</p>
    `;
  }

  /** Puts the focus in the search box (when the panel opens). */
  override focus(): void {
    this.renderRoot.querySelector<HTMLInputElement>('#search')?.focus();
  }

  private statusText(): string {
    const { t } = this;
    if (this.message) return this.message;
    if (this.searching) return t.t('search.searching');
    if (this.query.trim().length >= 2 && this.results.length === 0) return t.t('search.noResults', { query: this.query.trim() });
    if (this.results.length > 0) return t.t('search.results', { count: this.results.length });
    return '';
  }

  private typed(event: InputEvent): void {
    this.query = (event.target as HTMLInputElement).value;
    this.message = null;
    this.failed = false;
    if (this.debounce) clearTimeout(this.debounce);
    const text = this.query.trim();
    if (text.length < 2) {
      this.results = [];
      this.highlighted = -1;
      this.searching = false;
      return;
    }
    this.debounce = setTimeout(() => void this.search(text), SEARCH_DEBOUNCE_MS);
  }

  private async search(text: string): Promise<void> {
    const seq = ++this.searchSeq;
    this.searching = true;
    try {
      const users = await this.state.api.searchDirectory(text, SEARCH_RESULTS);
      if (seq !== this.searchSeq) return;
      const me = this.state.me;
      this.results = users.filter((u) => addressOf(u) !== me);
      this.highlighted = this.results.length > 0 ? 0 : -1;
      this.state.rememberNames(users);
    } catch (error) {
      if (seq !== this.searchSeq) return;
      this.results = [];
      this.highlighted = -1;
      this.failed = true;
      this.message = this.t.t('search.failed', { detail: errorText(this.t, error) });
    } finally {
      if (seq === this.searchSeq) this.searching = false;
    }
  }

  private keydown(event: KeyboardEvent): void {
    const count = this.results.length;
    switch (event.key) {
      case 'ArrowDown':
        if (count === 0) return;
        this.highlighted = (this.highlighted + 1) % count;
        break;
      case 'ArrowUp':
        if (count === 0) return;
        this.highlighted = (this.highlighted - 1 + count) % count;
        break;
      case 'Home':
        if (count === 0) return;
        this.highlighted = 0;
        break;
      case 'End':
        if (count === 0) return;
        this.highlighted = count - 1;
        break;
      case 'Enter': {
        const user = this.results[this.highlighted];
        if (!user) return;
        void this.add(user);
        break;
      }
      case 'Escape':
        if (count === 0) return;
        this.results = [];
        this.highlighted = -1;
        break;
      default:
        return;
    }
    event.preventDefault();
    // Escape inside an open list must not also close a surrounding panel.
    event.stopPropagation();
    this.updateComplete.then(() => this.renderRoot.querySelector(`#result-${this.highlighted}`)?.scrollIntoView({ block: 'nearest' }));
  }

  private async add(user: DirectoryUser): Promise<void> {
    const address = addressOf(user);
    const name = user.displayName || address;
    if (this.state.isContact(address)) {
      this.failed = false;
      this.message = this.t.t('search.alreadyListed', { name });
      return;
    }
    try {
      await this.state.addContact(address, this.groupId || null);
      this.failed = false;
      this.message = this.t.t('search.added', { name });
      this.query = '';
      this.results = [];
      this.highlighted = -1;
    } catch (error) {
      this.failed = true;
      this.message = errorText(this.t, error);
    }
  }
}

customElements.define('contact-search', ContactSearch);
