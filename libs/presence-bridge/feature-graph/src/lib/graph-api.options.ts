import type { GraphApiLimits } from '@parley/graph';

/** What the Graph-compatible API is configured with (`PARLEY_GRAPH_*`, `PARLEY_HTTP_BODY_TIMEOUT_MS`). */
export interface GraphApiOptions {
  limits: GraphApiLimits;
  /** Largest request body read; more is refused with 413 before it is parsed. */
  maxBodyBytes: number;
  /** How long a request body may take to arrive. */
  bodyTimeoutMs: number;
}

export const GRAPH_API_OPTIONS = Symbol('GRAPH_API_OPTIONS');
