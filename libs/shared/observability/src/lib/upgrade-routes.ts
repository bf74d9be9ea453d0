import { Injectable } from '@nestjs/common';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { Counter } from 'prom-client';
import { Metrics } from './metrics';

/** Takes over an upgrade request of its path: it must answer it (handshake or refusal) or destroy the socket. */
export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

/**
 * The one `upgrade` listener of the app's HTTP server. WebSocket fronts (the presence WebSocket at `/presence`, SIP
 * over WebSocket at `/sip`) register their path here instead of listening themselves, so that an upgrade to any other
 * path is answered `404` whichever fronts the process runs: with a listener per front, none of them could tell whether
 * another one would answer, and an unknown path would hang.
 *
 * Paths are exact and case-sensitive (RFC 3986), compared without the query string. A front keeps its route until the
 * app closes and refuses upgrades itself while it shuts down.
 */
@Injectable()
export class UpgradeRoutes {
  private readonly handlers = new Map<string, UpgradeHandler>();
  private server: Server | null = null;
  private readonly notFound: Counter;

  constructor(metrics: Metrics) {
    this.notFound = new Counter({
      name: 'parley_http_upgrades_not_found_total',
      help: 'HTTP upgrade requests (WebSocket handshakes) to a path no front serves, answered 404',
      registers: [metrics.registry],
    });
  }

  /** Routes upgrades of `path` on `server` to `handler`; the first registration attaches the router to the server. */
  register(server: Server, path: string, handler: UpgradeHandler): void {
    if (this.server !== null && this.server !== server) throw new Error('upgrade routes serve one HTTP server per app');
    if (this.handlers.has(path)) throw new Error(`an upgrade route for ${path} is already registered`);
    this.handlers.set(path, handler);
    if (this.server === null) {
      this.server = server;
      server.on('upgrade', this.dispatch);
    }
  }

  private readonly dispatch = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const handler = this.handlers.get(pathOf(req.url));
    if (handler !== undefined) return handler(req, socket, head);
    this.notFound.inc();
    socket.on('error', () => socket.destroy());
    if (socket.destroyed) return;
    socket.once('finish', () => socket.destroy());
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  };
}

function pathOf(url: string | undefined): string {
  if (url === undefined) return '';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}
