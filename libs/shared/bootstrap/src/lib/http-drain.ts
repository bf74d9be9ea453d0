import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/**
 * The public HTTP listener's part of the shutdown: it knows the requests in flight (Node does not
 * say), stops accepting, lets those requests finish and closes every connection once it is idle.
 *
 * Attach it after every other request listener is in place (`serveDirectRoutes` insists on being
 * the only one); it only watches, it never answers.
 */
export class HttpDrain {
  private readonly inFlight = new Set<ServerResponse>();
  private readonly waiting: Array<() => void> = [];
  private closing = false;

  constructor(private readonly server: Server) {
    server.prependListener('request', this.onRequest);
  }

  get requestsInFlight(): number {
    return this.inFlight.size;
  }

  /**
   * Closes the listening socket (new connections are refused) and every idle keep-alive connection
   * (Node's `close()` does that itself since v19). Responses not yet begun carry `Connection: close`,
   * so a connection busy now is closed after its answer instead of waiting for another request.
   */
  stopAccepting(): void {
    if (this.closing) return;
    this.closing = true;
    this.server.close();
    for (const res of this.inFlight) closeAfterAnswer(res);
  }

  /** Resolves once no request is in flight (immediately if none is); idle connections are then closed. */
  drained(): Promise<void> {
    if (this.inFlight.size === 0) {
      this.closeIdle();
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Cuts every connection still open, busy or not: the drain's share of the grace is spent. */
  abort(): void {
    this.server.closeAllConnections();
  }

  private readonly onRequest = (_req: IncomingMessage, res: ServerResponse): void => {
    this.inFlight.add(res);
    // A request that arrived on a connection opened before the listener closed (keep-alive, pipelining).
    if (this.closing) closeAfterAnswer(res);
    // 'close' follows 'finish', and also comes alone when the client went away first.
    res.once('close', () => {
      this.inFlight.delete(res);
      if (this.inFlight.size === 0) this.wakeWaiting();
    });
  };

  private wakeWaiting(): void {
    if (this.waiting.length === 0) return;
    this.closeIdle();
    for (const resolve of this.waiting.splice(0)) resolve();
  }

  /**
   * A response whose headers were already out when the listener closed leaves its connection idle
   * (kept alive) once it is done: close those now rather than after the keep-alive timeout.
   */
  private closeIdle(): void {
    if (!this.closing) return;
    // The socket turns idle only after the response's last write is handed over: wait one turn.
    setImmediate(() => this.server.closeIdleConnections());
  }
}

function closeAfterAnswer(res: ServerResponse): void {
  if (!res.headersSent) res.setHeader('Connection', 'close');
}
