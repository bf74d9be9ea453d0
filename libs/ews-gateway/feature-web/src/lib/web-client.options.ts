/** The web client's sign-in session resource (`POST`, `GET`, `DELETE`). */
export const WEB_SESSION_PATH = '/web/session';
/** The web client's content-hashed files, under the web root's `assets/`. */
export const WEB_ASSETS_PATH = '/assets';

export const WEB_CLIENT_OPTIONS = Symbol('WEB_CLIENT_OPTIONS');

export interface WebClientOptions {
  /** Absolute directory of the web client's build (`index.html`, `assets/`); while it is missing, `/` answers 503. */
  readonly webRoot: string;
  /** How long a sign-in's body may take to arrive (`PARLEY_HTTP_BODY_TIMEOUT_MS`). */
  readonly bodyTimeoutMs: number;
}

/**
 * Largest sign-in body: an address (320 characters) and a password (1024) as JSON, every character escaped as
 * `\uXXXX`, fit in 8 KiB; twice that leaves room for whitespace and ignored fields. Anything larger is not a sign-in.
 */
export const MAX_SIGN_IN_BODY_BYTES = 16 * 1024;
