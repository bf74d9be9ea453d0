import { svg } from 'lit';

// Inline icons (no icon font, no image requests); each is decorative: its button carries the label.
const icon = (path: ReturnType<typeof svg>) =>
  svg`<svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">${path}</svg>`;

export const chatIcon = icon(svg`<path d="M21 12a8 8 0 0 1-11.6 7.1L4 20l1-4.6A8 8 0 1 1 21 12z"/>`);
export const closeIcon = icon(svg`<path d="M6 6l12 12M18 6L6 18"/>`);
export const voicemailIcon = icon(svg`<circle cx="6.5" cy="12" r="3.5"/><circle cx="17.5" cy="12" r="3.5"/><path d="M6.5 15.5h11"/>`);
export const playIcon = icon(svg`<path d="M7 4.5v15l12-7.5z"/>`);
