// The gateway's HTTP API as the web client uses it: the session, mailbox settings, the directory,
// the calendar view and messages.
// Every state-changing request carries the session's CSRF token; cookies go same-origin only.

export interface WebSession {
  address: string;
  displayName: string;
  csrfToken: string;
  expiresAt: string;
}

export interface DirectoryUser {
  id: string;
  displayName: string;
  mail: string | null;
  userPrincipalName: string;
}

/**
 * A failed call: `network` (no answer), `unauthorized` (401), `throttled` (429, `retryAfterSeconds`),
 * `forbidden` (403), `invalid` (400 and other 4xx), `server` (5xx), `protocol` (an answer that is not
 * what the contract says). `code` and `message` come from problem JSON or Graph's error body.
 */
export class ApiError extends Error {
  constructor(
    readonly kind: 'network' | 'unauthorized' | 'throttled' | 'forbidden' | 'invalid' | 'server' | 'protocol',
    readonly status: number,
    message: string,
    readonly code?: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

const SAFE_METHODS = new Set(['GET', 'HEAD']);

/** `Retry-After` as seconds (a number of seconds or an HTTP date); undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

function kindOf(status: number): ApiError['kind'] {
  if (status === 401) return 'unauthorized';
  if (status === 429) return 'throttled';
  if (status === 403) return 'forbidden';
  if (status >= 500) return 'server';
  return 'invalid';
}

/**
 * Reads an error answer: problem JSON (`{type, title, status, detail}`, RFC 9457) or Graph's
 * `{"error": {"code", "message"}}`; anything else keeps the status text.
 */
export async function errorFromResponse(response: Response): Promise<ApiError> {
  let code: string | undefined;
  let message = response.statusText || `HTTP ${response.status}`;
  const text = await response.text().catch(() => '');
  if (text) {
    try {
      const body: unknown = JSON.parse(text);
      if (body && typeof body === 'object') {
        const graph = (body as { error?: unknown }).error;
        if (graph && typeof graph === 'object') {
          const { code: c, message: m } = graph as { code?: unknown; message?: unknown };
          if (typeof c === 'string') code = c;
          if (typeof m === 'string' && m) message = m;
        } else {
          const { type, title, detail } = body as { type?: unknown; title?: unknown; detail?: unknown };
          if (typeof type === 'string') code = type;
          if (typeof detail === 'string' && detail) message = detail;
          else if (typeof title === 'string' && title) message = title;
        }
      }
    } catch {
      // Not JSON (a proxy's error page): the status text says enough.
    }
  }
  return new ApiError(kindOf(response.status), response.status, message, code, parseRetryAfter(response.headers.get('Retry-After')));
}

export class ParleyApi {
  private csrfToken: string | null = null;

  constructor(private readonly fetchImpl: Fetch = (input, init) => globalThis.fetch(input, init)) {}

  /** The token state-changing requests carry; set from the session's answers. */
  setCsrfToken(token: string | null): void {
    this.csrfToken = token;
  }

  /** One JSON call; `extra` adds headers (e.g. Graph's `Prefer`). */
  async request<T>(method: string, path: string, body?: unknown, extra: Record<string, string> = {}): Promise<T | undefined> {
    const headers: Record<string, string> = { ...extra, Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (!SAFE_METHODS.has(method) && this.csrfToken) headers['X-CSRF-Token'] = this.csrfToken;
    let response: Response;
    try {
      response = await this.fetchImpl(path, {
        method,
        headers,
        credentials: 'same-origin',
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new ApiError('network', 0, error instanceof Error ? error.message : String(error));
    }
    if (!response.ok) throw await errorFromResponse(response);
    if (response.status === 204) return undefined;
    const text = await response.text();
    if (!text) return undefined;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ApiError('protocol', response.status, 'the answer is not JSON');
    }
  }

  /** The signed-in session, or null when there is none (401). */
  async currentSession(): Promise<WebSession | null> {
    try {
      const session = await this.request<WebSession>('GET', '/web/session');
      if (!session) throw new ApiError('protocol', 200, 'empty session answer');
      this.setCsrfToken(session.csrfToken);
      return session;
    } catch (error) {
      if (error instanceof ApiError && error.kind === 'unauthorized') {
        this.setCsrfToken(null);
        return null;
      }
      throw error;
    }
  }

  async signIn(address: string, password: string): Promise<WebSession> {
    const session = await this.request<WebSession>('POST', '/web/session', { address, password });
    if (!session) throw new ApiError('protocol', 200, 'empty session answer');
    this.setCsrfToken(session.csrfToken);
    return session;
  }

  async signOut(): Promise<void> {
    try {
      await this.request('DELETE', '/web/session');
    } finally {
      this.setCsrfToken(null);
    }
  }

  async searchDirectory(text: string, top = 10): Promise<DirectoryUser[]> {
    // Graph's $search takes a quoted phrase, with a quote or backslash inside it escaped by a backslash.
    const phrase = `"${text.replace(/["\\]/g, (c) => `\\${c}`)}"`;
    const query = `$search=${encodeURIComponent(phrase)}&$top=${top}`;
    const answer = await this.request<{ value?: DirectoryUser[] }>('GET', `/api/v1.0/users?${query}`);
    return answer?.value ?? [];
  }
}
