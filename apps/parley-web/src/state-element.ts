import { LitElement, type PropertyDeclarations } from 'lit';
import type { AppState } from './app-state';
import type { Translator } from './i18n/i18n';

/** A component that renders from the app state and the translator, and re-renders when the state changes. */
export class StateElement extends LitElement {
  static override properties: PropertyDeclarations = {
    state: { attribute: false },
    t: { attribute: false },
  };

  state!: AppState;
  t!: Translator;
  private unsubscribe: (() => void) | null = null;
  private watched: AppState | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    this.watch();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.watched = null;
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('state')) this.watch();
  }

  private watch(): void {
    if (!this.state || this.watched === this.state) return;
    this.unsubscribe?.();
    this.watched = this.state;
    this.unsubscribe = this.state.onChange(() => this.requestUpdate());
  }
}
