/** What the mailbox part of the Graph-compatible API is configured with (the HTTP front's body limits). */
export interface GraphMailboxOptions {
  /** Largest request body read (`PARLEY_HTTP_BODY_LIMIT_BYTES`); more is refused with 413 before it is parsed. */
  maxBodyBytes: number;
  /** How long a request body may take to arrive (`PARLEY_HTTP_BODY_TIMEOUT_MS`). */
  bodyTimeoutMs: number;
}

export const GRAPH_MAILBOX_OPTIONS = Symbol('GRAPH_MAILBOX_OPTIONS');
