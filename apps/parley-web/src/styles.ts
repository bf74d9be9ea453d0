import { css } from 'lit';

/**
 * Shared component styles. Colours come from custom properties set in global.css (they inherit
 * into shadow roots); every text colour pair there is at least 4.5:1 (WCAG AA).
 */
export const baseStyles = css`
  :host {
    display: block;
    color: var(--text);
    font: inherit;
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  h2,
  h3 {
    margin: 0 0 0.75rem;
    line-height: 1.25;
  }
  h2 {
    font-size: 1.25rem;
  }
  h3 {
    font-size: 1rem;
  }
  button,
  input,
  select,
  textarea {
    font: inherit;
    color: inherit;
  }
  button {
    cursor: pointer;
    border: 1px solid var(--border-strong);
    background: var(--surface);
    border-radius: var(--radius);
    padding: 0.4rem 0.8rem;
    min-height: 2.25rem;
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 0.35rem;
  }
  button:hover:not(:disabled) {
    background: var(--surface-hover);
  }
  button.primary {
    background: var(--accent);
    border-color: var(--accent);
    color: var(--on-accent);
  }
  button.primary:hover:not(:disabled) {
    background: var(--accent-hover);
  }
  button.danger {
    color: var(--danger);
    border-color: var(--danger);
    background: var(--bg);
  }
  button.link {
    border: none;
    background: none;
    padding: 0.25rem 0.4rem;
    min-height: 0;
    color: var(--accent);
    text-decoration: underline;
  }
  button:disabled {
    cursor: not-allowed;
    opacity: 0.65;
  }
  input[type='text'],
  input[type='email'],
  input[type='password'],
  input[type='search'],
  input[type='datetime-local'],
  select,
  textarea {
    border: 1px solid var(--border-strong);
    border-radius: var(--radius);
    background: var(--bg);
    padding: 0.45rem 0.6rem;
    min-height: 2.25rem;
    max-width: 100%;
  }
  textarea {
    resize: vertical;
    width: 100%;
  }
  :focus-visible {
    outline: 3px solid var(--focus);
    outline-offset: 2px;
  }
  [aria-invalid='true'] {
    border-color: var(--danger);
  }
  label {
    display: block;
    font-weight: 600;
    margin-bottom: 0.25rem;
  }
  .field {
    margin-bottom: 1rem;
  }
  .hint {
    color: var(--muted);
    font-size: 0.875rem;
  }
  .error {
    color: var(--danger);
    font-weight: 600;
  }
  .success {
    color: var(--success);
    font-weight: 600;
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    align-items: center;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    padding: 0;
    margin: -1px;
    overflow: hidden;
    clip: rect(0, 0, 0, 0);
    white-space: nowrap;
    border: 0;
  }
  dialog {
    border: 1px solid var(--border-strong);
    border-radius: calc(var(--radius) * 2);
    padding: 1.25rem;
    max-width: min(28rem, calc(100vw - 2rem));
    width: 100%;
    color: var(--text);
    background: var(--bg);
  }
  dialog::backdrop {
    background: rgb(0 0 0 / 45%);
  }
  .dialog-actions {
    display: flex;
    justify-content: flex-end;
    gap: 0.5rem;
    margin-top: 1rem;
  }
`;

/** The availability marker: a colour and a shape per tone, so it never relies on colour alone. */
export const presenceDotStyles = css`
  .dot {
    display: inline-block;
    flex: none;
    width: 0.8rem;
    height: 0.8rem;
    border: 2px solid currentColor;
    vertical-align: middle;
  }
  .dot.available {
    color: var(--presence-available);
    background: currentColor;
    border-radius: 50%;
  }
  .dot.busy {
    color: var(--presence-busy);
    background: currentColor;
    border-radius: 2px;
  }
  .dot.away {
    color: var(--presence-away);
    background: currentColor;
    transform: rotate(45deg) scale(0.85);
  }
  .dot.offline {
    color: var(--presence-offline);
    background: transparent;
    border-radius: 50%;
  }
  /* Idle: the same shape, hollow. */
  .dot.idle {
    background: transparent;
  }
`;
