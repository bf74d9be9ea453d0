import { Injectable, Module } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest, GraphErrorCode, GraphRequestError } from './graph-error';
import { sendGraphError } from './graph-http';

/** Where the API lives under the HTTP root (Graph clients take `<Parley>/api` as their base URL, `v1.0` as the version). */
export const GRAPH_API_ROOT = '/api/v1.0';

/** The parts of the API, each served by one service: presence by presence-bridge, mailbox data by ews-gateway. */
export type GraphApiPart = 'presence' | 'mailbox';

export interface GraphRoute {
  part: GraphApiPart;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** The path below `GRAPH_API_ROOT`; matched without case, as Express routes, Caddy and nginx's `~*` do. */
  pattern: RegExp;
}

const user = '(users/[^/]+|me)';

/** Every operation of the API, whichever process serves it: what a request no controller route took is checked against. */
export const GRAPH_ROUTES: readonly GraphRoute[] = [
  { part: 'presence', method: 'GET', pattern: new RegExp(`^/${user}/presence$`, 'i') },
  { part: 'presence', method: 'POST', pattern: /^\/communications\/getPresencesByUserId$/i },
  {
    part: 'presence',
    method: 'POST',
    pattern: new RegExp(`^/${user}/presence/(setUserPreferredPresence|clearUserPreferredPresence)$`, 'i'),
  },
  { part: 'presence', method: 'GET', pattern: /^\/openapi\.json$/i },
  { part: 'mailbox', method: 'GET', pattern: new RegExp(`^/${user}/mailboxSettings(/automaticRepliesSetting)?$`, 'i') },
  { part: 'mailbox', method: 'PATCH', pattern: new RegExp(`^/${user}/mailboxSettings(/automaticRepliesSetting)?$`, 'i') },
  { part: 'mailbox', method: 'GET', pattern: /^\/users$/i },
  { part: 'mailbox', method: 'GET', pattern: new RegExp(`^/${user}(/calendar)?/calendarView$`, 'i') },
  { part: 'mailbox', method: 'GET', pattern: new RegExp(`^/${user}/mailFolders/[^/]+/messages$`, 'i') },
  ...(['GET', 'PATCH', 'DELETE'] as const).map((method) => ({
    part: 'mailbox' as const,
    method,
    pattern: new RegExp(`^/${user}/messages/[^/]+$`, 'i'),
  })),
  { part: 'mailbox', method: 'GET', pattern: new RegExp(`^/${user}/messages/[^/]+/attachments$`, 'i') },
  { part: 'mailbox', method: 'GET', pattern: new RegExp(`^/${user}/messages/[^/]+/attachments/[^/]+/\\$value$`, 'i') },
];

/**
 * Which parts of the API this process serves, and the answer to a request none of their routes
 * took. In the embedded app both controllers sit under `/api/v1.0`, each with a catch-all; Express
 * tries them in registration order, so the first catch-all sees requests meant for the other
 * controller's routes that come after it. It hands those on (`next()`) and answers only what no
 * served part has: a known path with another method is 405, anything else Graph's 400.
 *
 * One per app: every Graph feature imports the static `GraphRoutingModule`, which Nest instantiates once.
 */
@Injectable()
export class GraphRouting {
  private readonly served = new Set<GraphApiPart>();

  serve(part: GraphApiPart): void {
    this.served.add(part);
  }

  /** For `part`'s catch-all: pass the request on to another part's route, or answer it. */
  unmatched(part: GraphApiPart, req: IncomingMessage, res: ServerResponse, next: () => void): void {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    const path = pathname.slice(GRAPH_API_ROOT.length);
    const method = req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET');
    const known = GRAPH_ROUTES.filter((r) => this.served.has(r.part) && r.pattern.test(path));
    if (known.some((r) => r.part !== part && r.method === method)) return next();
    if (known.length > 0) {
      const methods = [...new Set(known.map((r) => r.method))].join(', ');
      return sendGraphError(
        req,
        res,
        new GraphRequestError(405, GraphErrorCode.MethodNotAllowed, `The path supports only ${methods}.`, { Allow: methods }),
      );
    }
    const segment = path.split('/').filter(Boolean)[0] ?? '';
    sendGraphError(req, res, badRequest(`Resource not found for the segment '${segment.slice(0, 100)}'.`));
  }
}

/** Imported by every Graph feature module; static, so the app holds one `GraphRouting`. */
@Module({ providers: [GraphRouting], exports: [GraphRouting] })
export class GraphRoutingModule {}
