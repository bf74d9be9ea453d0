import { Injectable } from '@nestjs/common';
import { correlationMiddleware, logRequestLine } from '@parley/logging';
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Metrics } from './metrics';

/**
 * A hot endpoint the HTTP server answers itself, ahead of Express and Nest's router.
 *
 * Express, Nest's route execution and pino-http cost about a sixth of the CPU of a small EWS
 * request (measured with `bench:ews`), and an endpoint such as `POST /EWS/Exchange.asmx` uses none
 * of what they offer: it reads its own body and answers every error itself. What the stack does
 * for every request — correlation id, the request line at `info`, the request-duration metric —
 * `serveDirectRoutes` does here too. Everything else (other methods, other paths) still goes
 * through Express.
 */
export interface DirectRoute {
  readonly method: string;
  /** Matched case-insensitively (IIS paths are), without the query string. Also the metric's route label. */
  readonly path: string;
  /** Must answer every request, errors included; a rejection is answered 500 as a last resort. */
  readonly handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
}

@Injectable()
export class DirectRoutes {
  private readonly routes = new Map<string, DirectRoute>();

  register(route: DirectRoute): void {
    const key = routeKey(route.method, route.path);
    if (this.routes.has(key)) throw new Error(`A direct route for ${route.method} ${route.path} is already registered`);
    this.routes.set(key, route);
  }

  match(method: string | undefined, url: string | undefined): DirectRoute | undefined {
    if (this.routes.size === 0 || method === undefined || url === undefined) return undefined;
    const query = url.indexOf('?');
    return this.routes.get(routeKey(method, query === -1 ? url : url.slice(0, query)));
  }
}

function routeKey(method: string, path: string): string {
  return `${method.toUpperCase()} ${path.toLowerCase()}`;
}

/**
 * Puts `routes` in front of the server's current request listener (Express): a request that
 * matches a direct route is answered by it, anything else goes on to Express unchanged.
 */
export function serveDirectRoutes(server: Server, routes: DirectRoutes, deps: { metrics: Metrics; logger: Logger }): void {
  const listeners = server.listeners('request') as RequestListener[];
  if (listeners.length !== 1) throw new Error(`expected one request listener (Express), found ${listeners.length}`);
  const [fallback] = listeners;
  const histogram = deps.metrics.httpRequests;
  server.removeListener('request', fallback);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const route = routes.match(req.method, req.url);
    if (!route) return fallback(req, res);
    const stop = histogram.startTimer();
    res.once('finish', () => stop({ method: route.method, route: route.path.toLowerCase(), status: String(res.statusCode) }));
    correlationMiddleware(req, res, () => {
      logRequestLine(deps.logger, req, res);
      route.handle(req, res).catch((error: unknown) => {
        deps.logger.error({ err: error }, `unhandled error on ${route.method} ${route.path}`);
        if (res.headersSent) res.destroy();
        else {
          res.statusCode = 500;
          res.end();
        }
      });
    });
  });
}
