import { css, html, nothing } from 'lit';
import type { ContactGroup } from './app-state';
import { errorText } from './errors';
import { chatIcon, closeIcon } from './icons';
import { isIdle, noteOf, presenceLine, toneOf } from './presence-format';
import { StateElement } from './state-element';
import { baseStyles, presenceDotStyles } from './styles';
import './contact-search';

type DialogMode =
  | { kind: 'add-group' }
  | { kind: 'rename-group'; group: ContactGroup }
  | { kind: 'remove-group'; group: ContactGroup }
  | { kind: 'remove-contact'; address: string };

const OTHER = '__other__';

/** The contact list: groups (collapsible), each contact's live presence, and the list's management. */
export class ContactList extends StateElement {
  static override properties = {
    collapsed: { state: true },
    searching: { state: true },
    dialog: { state: true },
    dialogError: { state: true },
    message: { state: true },
  };

  static override styles = [
    baseStyles,
    presenceDotStyles,
    css`
      .toolbar {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        justify-content: space-between;
        align-items: center;
        margin-bottom: 0.75rem;
      }
      .toolbar h2 {
        margin: 0;
      }
      section {
        margin-bottom: 1rem;
      }
      .group-head {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.25rem;
        border-bottom: 1px solid var(--border);
        padding-bottom: 0.25rem;
      }
      .group-head h3 {
        margin: 0;
        flex: 1 1 12rem;
      }
      .group-toggle {
        border: none;
        background: none;
        padding: 0.25rem;
        font-weight: 700;
        text-align: start;
        width: 100%;
        justify-content: flex-start;
        display: flex;
        gap: 0.4rem;
        align-items: center;
      }
      .chevron {
        display: inline-block;
        transition: transform 0.15s;
      }
      [aria-expanded='false'] .chevron {
        transform: rotate(-90deg);
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
      }
      li.contact {
        display: flex;
        align-items: center;
        gap: 0.75rem;
        padding: 0.5rem 0.25rem;
        border-bottom: 1px solid var(--border);
        /* Tiles out of view are not laid out or painted until scrolled to: a list of hundreds costs what a screenful does (bench:web). */
        content-visibility: auto;
        contain-intrinsic-size: auto 3.5rem;
      }
      .who {
        flex: 1;
        min-width: 0;
        display: flex;
        flex-direction: column;
      }
      .name {
        font-weight: 600;
        overflow-wrap: anywhere;
      }
      .presence-text,
      .note {
        color: var(--muted);
        font-size: 0.875rem;
        overflow-wrap: anywhere;
      }
      .oof {
        display: inline-block;
        font-size: 0.75rem;
        font-weight: 700;
        color: var(--oof-text);
        background: var(--oof-bg);
        border-radius: var(--radius);
        padding: 0 0.35rem;
        margin-inline-end: 0.35rem;
      }
      .actions {
        display: flex;
        gap: 0.25rem;
        flex-wrap: wrap;
        justify-content: flex-end;
      }
      .empty {
        color: var(--muted);
        padding: 0.5rem 0.25rem;
        margin: 0;
      }
      dialog input {
        width: 100%;
      }
    `,
  ];

  collapsed = new Set<string>();
  searching = false;
  dialog: DialogMode | null = null;
  dialogError: string | null = null;
  message: string | null = null;
  private dialogReturnFocus: HTMLElement | null = null;

  override render() {
    const { t, state } = this;
    const groups = [...state.groups, { id: OTHER, name: t.t('contacts.other'), contacts: state.ungrouped }];
    const empty = state.contactsLoaded && state.allContacts.length === 0;
    return html`
      <div class="toolbar">
        <h2>${t.t('contacts.heading')}</h2>
        <div class="row">
          <button type="button" data-testid="contacts-add" aria-expanded=${this.searching ? 'true' : 'false'} @click=${this.toggleSearch}>
            ${t.t('contacts.addContact')}
          </button>
          <button type="button" data-testid="group-add" @click=${(e: Event) => this.openDialog({ kind: 'add-group' }, e)}>
            ${t.t('contacts.addGroup')}
          </button>
        </div>
      </div>
      ${this.searching ? html`<contact-search .state=${state} .t=${t} data-testid="contact-search"></contact-search>` : nothing}
      <p role="status" class="hint" data-testid="contacts-status">${this.message ?? ''}</p>
      ${empty ? html`<p class="empty">${t.t('contacts.empty')}</p>` : nothing} ${groups.map((group) => this.renderGroup(group))}
      ${this.renderDialog()}
    `;
  }

  private renderGroup(group: ContactGroup) {
    const { t } = this;
    const isOther = group.id === OTHER;
    if (isOther && group.contacts.length === 0) return nothing;
    const expanded = !this.collapsed.has(group.id);
    const listId = `group-${group.id}`;
    return html`
      <section data-testid="group-${isOther ? 'other' : group.id}" aria-labelledby="${listId}-title">
        <div class="group-head">
          <h3 id="${listId}-title">
            <button
              type="button"
              class="group-toggle"
              aria-expanded=${expanded ? 'true' : 'false'}
              aria-controls=${listId}
              data-testid="group-toggle"
              @click=${() => this.toggleGroup(group.id)}
            >
              <span class="chevron" aria-hidden="true">▾</span>
              <span>${group.name}</span>
              <span class="hint">(${t.t('contacts.count', { count: group.contacts.length })})</span>
            </button>
          </h3>
          ${
            isOther
              ? nothing
              : html`
                  <button
                    type="button"
                    class="link"
                    data-testid="group-rename"
                    aria-label=${t.t('contacts.renameGroup', { name: group.name })}
                    @click=${(e: Event) => this.openDialog({ kind: 'rename-group', group }, e)}
                  >
                    ${t.t('contacts.rename')}
                  </button>
                  <button
                    type="button"
                    class="link"
                    data-testid="group-remove"
                    aria-label=${t.t('contacts.removeGroup', { name: group.name })}
                    @click=${(e: Event) => this.openDialog({ kind: 'remove-group', group }, e)}
                  >
                    ${t.t('dialog.remove')}
                  </button>
                `
          }
        </div>
        <ul id=${listId} role="list" ?hidden=${!expanded}>
          ${group.contacts.length === 0 ? html`<li class="empty" role="listitem">${t.t('contacts.groupEmpty')}</li>` : nothing}
          ${group.contacts.map((address) => this.renderContact(address))}
        </ul>
      </section>
    `;
  }

  private renderContact(address: string) {
    const { t, state } = this;
    const presence = state.presenceOf(address);
    const name = state.displayName(address);
    const tone = presence ? toneOf(presence.token) : 'offline';
    const line = presence ? presenceLine(t, presence, Date.now()) : t.t('availability.offline');
    const note = presence ? noteOf(presence) : null;
    return html`
      <li class="contact" role="listitem" data-testid="contact-${address}" data-token=${presence?.token ?? 'unknown'}>
        <span class="dot ${tone} ${presence && isIdle(presence.token) ? 'idle' : ''}" aria-hidden="true"></span>
        <span class="who">
          <span class="name">${name}</span>
          ${name !== address ? html`<span class="presence-text">${address}</span>` : nothing}
          <span class="presence-text" data-testid="presence-text">${line}</span>
          ${
            presence?.oof || note
              ? html`<span class="note" data-testid="contact-note">
                  ${presence?.oof ? html`<span class="oof" data-testid="oof-marker">${t.t('presence.oofMarker')}</span>` : nothing}${
                    note?.text ?? ''
                  }
                </span>`
              : nothing
          }
        </span>
        <span class="actions">
          <button
            type="button"
            data-testid="contact-chat"
            aria-label=${t.t('contacts.chat', { name })}
            @click=${() => this.dispatchEvent(new CustomEvent('open-conversation', { detail: address, bubbles: true, composed: true }))}
          >
            ${chatIcon}
          </button>
          <button
            type="button"
            class="danger"
            data-testid="contact-remove"
            aria-label=${t.t('contacts.remove', { name })}
            @click=${(e: Event) => this.openDialog({ kind: 'remove-contact', address }, e)}
          >
            ${closeIcon}
          </button>
        </span>
      </li>
    `;
  }

  private renderDialog() {
    const { t } = this;
    const mode = this.dialog;
    let title = '';
    let body = html``;
    let confirm = '';
    let danger = false;
    if (mode?.kind === 'add-group' || mode?.kind === 'rename-group') {
      title = mode.kind === 'add-group' ? t.t('contacts.addGroup') : t.t('contacts.renameGroup', { name: mode.group.name });
      confirm = mode.kind === 'add-group' ? t.t('dialog.create') : t.t('dialog.save');
      body = html`
        <div class="field">
          <label for="group-name">${t.t('contacts.groupName')}</label>
          <input
            id="group-name"
            name="name"
            type="text"
            required
            maxlength="256"
            autofocus
            data-testid="group-name"
            .value=${mode.kind === 'rename-group' ? mode.group.name : ''}
            aria-invalid=${this.dialogError ? 'true' : 'false'}
            aria-describedby="dialog-error"
          />
        </div>
      `;
    } else if (mode?.kind === 'remove-group') {
      title = t.t('contacts.removeGroup', { name: mode.group.name });
      body = html`<p>${t.t('contacts.removeGroupConfirm', { name: mode.group.name })}</p>`;
      confirm = t.t('dialog.remove');
      danger = true;
    } else if (mode?.kind === 'remove-contact') {
      const name = this.state.displayName(mode.address);
      title = t.t('contacts.remove', { name });
      body = html`<p>${t.t('contacts.removeConfirm', { name })}</p>`;
      confirm = t.t('dialog.remove');
      danger = true;
    }
    return html`
      <dialog role="dialog" aria-modal="true" aria-labelledby="dialog-title" data-testid="contacts-dialog" @close=${this.dialogClosed}>
        <form method="dialog" @submit=${this.confirmDialog}>
          <h2 id="dialog-title">${title}</h2>
          ${body}
          <p id="dialog-error" class="error" role="alert">${this.dialogError ?? ''}</p>
          <div class="dialog-actions">
            <button type="button" data-testid="dialog-cancel" @click=${this.closeDialog}>${t.t('dialog.cancel')}</button>
            <button type="submit" class=${danger ? 'danger' : 'primary'} data-testid="dialog-confirm">${confirm}</button>
          </div>
        </form>
      </dialog>
    `;
  }

  private toggleGroup(id: string): void {
    const next = new Set(this.collapsed);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    this.collapsed = next;
  }

  private async toggleSearch(): Promise<void> {
    this.searching = !this.searching;
    if (this.searching) {
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('contact-search')?.focus();
    }
  }

  private async openDialog(mode: DialogMode, event: Event): Promise<void> {
    this.dialogReturnFocus = event.currentTarget as HTMLElement;
    this.dialog = mode;
    this.dialogError = null;
    await this.updateComplete;
    const dialog = this.renderRoot.querySelector('dialog');
    if (dialog && !dialog.open) dialog.showModal();
    dialog?.querySelector<HTMLInputElement>('input')?.select();
  }

  private closeDialog(): void {
    this.renderRoot.querySelector('dialog')?.close();
  }

  /** Escape (the dialog's cancel) and the buttons all end here: focus goes back where it came from. */
  private dialogClosed(): void {
    this.dialog = null;
    this.dialogError = null;
    const target = this.dialogReturnFocus;
    this.dialogReturnFocus = null;
    if (target?.isConnected) target.focus();
    else this.renderRoot.querySelector<HTMLElement>('[data-testid="group-add"]')?.focus();
  }

  private async confirmDialog(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const mode = this.dialog;
    if (!mode) return;
    const form = event.currentTarget as HTMLFormElement;
    const name = String(new FormData(form).get('name') ?? '').trim();
    if ((mode.kind === 'add-group' || mode.kind === 'rename-group') && !name) {
      this.dialogError = this.t.t('error.invalid-group-name');
      return;
    }
    try {
      switch (mode.kind) {
        case 'add-group':
          await this.state.addGroup(name);
          break;
        case 'rename-group':
          await this.state.renameGroup(mode.group.id, name);
          break;
        case 'remove-group':
          await this.state.removeGroup(mode.group.id);
          break;
        case 'remove-contact':
          await this.state.removeContact(mode.address);
          break;
      }
      this.closeDialog();
    } catch (error) {
      this.dialogError = errorText(this.t, error);
    }
  }
}

customElements.define('contact-list', ContactList);
