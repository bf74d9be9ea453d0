import { LitElement, css, html } from 'lit';
import type { Translator } from './i18n/i18n';
import { askNotificationPermission, notificationSupport, type NotificationSupport } from './notifications';
import { baseStyles } from './styles';

/** Desktop notifications (the language switcher is in the header, where signed-out users reach it too). */
export class SettingsPanel extends LitElement {
  static override properties = {
    t: { attribute: false },
    permission: { state: true },
  };

  static override styles = [
    baseStyles,
    css`
      section {
        margin-bottom: 1.5rem;
      }
    `,
  ];

  t!: Translator;
  permission: NotificationSupport = notificationSupport();

  override render() {
    const { t } = this;
    return html`
      <h2>${t.t('settings.heading')}</h2>
      <section aria-labelledby="notifications-heading">
        <h3 id="notifications-heading">${t.t('settings.notifications')}</h3>
        <p class="hint">${t.t('settings.notificationsExplain')}</p>
        ${this.renderNotifications()}
      </section>
    `;
  }

  private renderNotifications() {
    const { t } = this;
    switch (this.permission) {
      case 'unsupported':
        return html`<p data-testid="notifications-state">${t.t('settings.notificationsUnsupported')}</p>`;
      case 'granted':
        return html`<p class="success" data-testid="notifications-state">${t.t('settings.notificationsOn')}</p>`;
      case 'denied':
        return html`<p class="error" data-testid="notifications-state">${t.t('settings.notificationsDenied')}</p>`;
      default:
        return html`<button type="button" data-testid="notifications-enable" @click=${this.enable}>
          ${t.t('settings.notificationsEnable')}
        </button>`;
    }
  }

  private async enable(): Promise<void> {
    this.permission = await askNotificationPermission();
  }
}

customElements.define('settings-panel', SettingsPanel);
