import { All, Controller, Get, Inject, Logger, Param, Post, Req, Res } from '@nestjs/common';
import { AuthErrorCode, AuthException, Authenticator, clientAddressOf, RequestAuthenticator } from '@parley/auth';
import { parleyVersion } from '@parley/config';
import type { DirectoryUser } from '@parley/directory';
import { ClientAddressResolver } from '@parley/sign-in';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { GRAPH_API_OPTIONS, type GraphApiOptions } from './graph-api.options';
import { type GraphApiSchemas, graphApiSchemas } from './graph-api.schemas';
import { badRequest, GraphErrorCode, GraphRequestError } from './graph-error';
import { readJsonBody, sendEmpty, sendGraphError, sendJson } from './graph-http';
import { GRAPH_API_ROOT, graphOpenApiDocument } from './graph-openapi';
import { GraphPresenceService } from './graph-presence.service';

const REALM = 'Parley';

/** The paths this API serves and their methods (anything else under the root: Graph's 400 or 405). */
const ROUTES: readonly { pattern: RegExp; method: string }[] = [
  { pattern: /^\/(users\/[^/]+|me)\/presence$/, method: 'GET' },
  { pattern: /^\/communications\/getPresencesByUserId$/, method: 'POST' },
  { pattern: /^\/(users\/[^/]+|me)\/presence\/(setUserPreferredPresence|clearUserPreferredPresence)$/, method: 'POST' },
  { pattern: /^\/openapi\.json$/, method: 'GET' },
];

/**
 * The HTTP front of the Graph-compatible presence API (`/api/v1.0`, docs/graph-api.md). Each
 * request: sign in (the process's `Authenticator`), read and validate the body within its limits,
 * call the service, answer in Graph's shapes; every refusal is Graph's error body.
 */
@Controller(GRAPH_API_ROOT.slice(1))
export class GraphController {
  private readonly logger = new Logger('GraphApi');
  private readonly schemas: GraphApiSchemas;
  private readonly openApi: Buffer;

  constructor(
    private readonly presence: GraphPresenceService,
    private readonly authenticator: Authenticator,
    private readonly requests: RequestAuthenticator,
    private readonly clientAddresses: ClientAddressResolver,
    @Inject(GRAPH_API_OPTIONS) private readonly options: GraphApiOptions,
  ) {
    this.schemas = graphApiSchemas(options.limits);
    this.openApi = Buffer.from(JSON.stringify(graphOpenApiDocument(options.limits, parleyVersion)), 'utf8');
  }

  /** The API's description; no sign-in needed. */
  @Get('openapi.json')
  openApiDocument(@Res() res: ServerResponse): void {
    res.statusCode = 200;
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Content-Length', this.openApi.length);
    res.end(this.openApi);
  }

  @Get('me/presence')
  myPresence(@Req() req: IncomingMessage, @Res() res: ServerResponse): Promise<void> {
    return this.serve(req, res, async (caller) => this.sendPresence(req, res, caller, caller.smtpAddress));
  }

  @Get('users/:id/presence')
  userPresence(@Req() req: IncomingMessage, @Res() res: ServerResponse, @Param('id') id: string): Promise<void> {
    return this.serve(req, res, async (caller) => this.sendPresence(req, res, caller, id));
  }

  @Post('communications/getPresencesByUserId')
  presencesByUserId(@Req() req: IncomingMessage, @Res() res: ServerResponse): Promise<void> {
    return this.serve(req, res, async (caller) => {
      const { ids } = this.validate(this.schemas.getPresencesByUserIdRequest, await this.body(req, res));
      const value = await this.presence.presencesOf(caller, ids);
      sendJson(req, res, 200, { '@odata.context': `${this.metadataUrl(req)}#Collection(microsoft.graph.presence)`, value });
    });
  }

  @Post('me/presence/setUserPreferredPresence')
  setMyPreferredPresence(@Req() req: IncomingMessage, @Res() res: ServerResponse): Promise<void> {
    return this.serve(req, res, async (caller) => this.setPreferred(req, res, caller, caller.smtpAddress));
  }

  @Post('users/:id/presence/setUserPreferredPresence')
  setUserPreferredPresence(@Req() req: IncomingMessage, @Res() res: ServerResponse, @Param('id') id: string): Promise<void> {
    return this.serve(req, res, async (caller) => this.setPreferred(req, res, caller, id));
  }

  @Post('me/presence/clearUserPreferredPresence')
  clearMyPreferredPresence(@Req() req: IncomingMessage, @Res() res: ServerResponse): Promise<void> {
    return this.serve(req, res, async (caller) => this.clearPreferred(req, res, caller, caller.smtpAddress));
  }

  @Post('users/:id/presence/clearUserPreferredPresence')
  clearUserPreferredPresence(@Req() req: IncomingMessage, @Res() res: ServerResponse, @Param('id') id: string): Promise<void> {
    return this.serve(req, res, async (caller) => this.clearPreferred(req, res, caller, id));
  }

  /** Everything else under the root: a known path with another method is 405, an unknown one Graph's 400. */
  @All('*path')
  unknown(@Req() req: IncomingMessage, @Res() res: ServerResponse): void {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname.slice(GRAPH_API_ROOT.length);
    const allowed = ROUTES.filter((r) => r.pattern.test(path)).map((r) => r.method);
    if (allowed.length > 0) {
      const methods = [...new Set(allowed)].join(', ');
      return sendGraphError(
        req,
        res,
        new GraphRequestError(405, GraphErrorCode.MethodNotAllowed, `The path supports only ${methods}.`, { Allow: methods }),
      );
    }
    const segment = path.split('/').filter(Boolean)[0] ?? '';
    sendGraphError(req, res, badRequest(`Resource not found for the segment '${segment.slice(0, 100)}'.`));
  }

  private async sendPresence(req: IncomingMessage, res: ServerResponse, caller: DirectoryUser, key: string): Promise<void> {
    const presence = await this.presence.presenceOf(caller, key);
    const context = `${this.metadataUrl(req)}#users('${presence.id}')/presence/$entity`;
    sendJson(req, res, 200, { '@odata.context': context, ...presence });
  }

  private async setPreferred(req: IncomingMessage, res: ServerResponse, caller: DirectoryUser, key: string): Promise<void> {
    const body = this.validate(this.schemas.setUserPreferredPresenceRequest, await this.body(req, res));
    await this.presence.setPreferredPresence(caller, key, {
      availability: body.availability,
      activity: body.activity,
      expirationMs: body.expirationDuration,
    });
    sendEmpty(req, res);
  }

  private async clearPreferred(req: IncomingMessage, res: ServerResponse, caller: DirectoryUser, key: string): Promise<void> {
    // Graph's clients send no body or `{}`; anything but an object is a malformed request.
    const body = await this.body(req, res);
    if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body))) {
      throw badRequest('The request body must be a JSON object.');
    }
    await this.presence.clearPreferredPresence(caller, key);
    sendEmpty(req, res);
  }

  private body(req: IncomingMessage, res: ServerResponse): Promise<unknown> {
    return readJsonBody(req, res, { maxBytes: this.options.maxBodyBytes, timeoutMs: this.options.bodyTimeoutMs });
  }

  private validate<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
    if (body === undefined) throw badRequest('The request needs a JSON body.');
    const parsed = schema.safeParse(body);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    const where = issue.path.length ? `'${issue.path.join('.')}'` : 'The body';
    throw badRequest(`${where}: ${issue.message}`);
  }

  /** `<scheme>://<host>/api/v1.0/$metadata`, the base of Graph's `@odata.context` values, from the request's own address. */
  private metadataUrl(req: IncomingMessage): string {
    const host = req.headers.host;
    const forwarded = String(req.headers['x-forwarded-proto'] ?? '').toLowerCase();
    const scheme = forwarded === 'https' || (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
    const root = host && /^[A-Za-z0-9.:[\]-]{1,300}$/.test(host) ? `${scheme}://${host}${GRAPH_API_ROOT}` : GRAPH_API_ROOT;
    return `${root}/$metadata`;
  }

  /** Signs the caller in and runs `work`; whatever it throws becomes Graph's error answer. */
  private async serve(req: IncomingMessage, res: ServerResponse, work: (caller: DirectoryUser) => Promise<void>): Promise<void> {
    try {
      const caller = await this.signIn(req);
      await work(caller);
    } catch (error) {
      if (error instanceof GraphRequestError) {
        this.logger.debug(`refused: ${error.status} ${error.code} ${error.message}`);
        return sendGraphError(req, res, error);
      }
      this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      sendGraphError(req, res, new GraphRequestError(500, GraphErrorCode.GeneralException, 'The request could not be completed.'));
    }
  }

  private async signIn(req: IncomingMessage): Promise<DirectoryUser> {
    try {
      // The Authorization header, or the web client's session cookie (with its CSRF token on POST).
      return (await this.requests.authenticateRequest(req, clientAddressOf(this.clientAddresses, req))).user;
    } catch (error) {
      if (!(error instanceof AuthException)) throw error;
      throw this.signInRefusal(error);
    }
  }

  /**
   * Exhaustive over the sign-in refusals: 401 with the challenge (none when the web session failed: a browser would
   * open its password dialog), 429 with `Retry-After` (Graph throttles so), 403 for a cookie request without its CSRF
   * token or from another origin.
   */
  private signInRefusal(error: AuthException): GraphRequestError {
    switch (error.code) {
      case AuthErrorCode.Unauthenticated: {
        if (error.source === 'session') {
          return new GraphRequestError(401, GraphErrorCode.InvalidAuthenticationToken, 'The web session has ended; sign in again.');
        }
        const challenge = this.authenticator.bearerEnabled
          ? [`Basic realm="${REALM}"`, `Bearer realm="${REALM}"`]
          : `Basic realm="${REALM}"`;
        return new GraphRequestError(
          401,
          GraphErrorCode.InvalidAuthenticationToken,
          'Access token is empty, invalid or expired, or the credentials are wrong.',
          {
            'WWW-Authenticate': challenge,
          },
        );
      }
      case AuthErrorCode.Throttled: {
        const seconds = Math.max(1, Math.ceil((error.retryAfterMs ?? 1000) / 1000));
        return new GraphRequestError(429, GraphErrorCode.TooManyRequests, 'Too many failed sign-ins from this client; retry later.', {
          'Retry-After': String(seconds),
        });
      }
      case AuthErrorCode.ImpersonationDenied:
      case AuthErrorCode.UnknownMailbox:
        // Not raised by sign-in; answered as the service answers them, should a future sign-in step raise them.
        return new GraphRequestError(403, GraphErrorCode.AuthorizationRequestDenied, 'Insufficient privileges to complete the operation.');
      case AuthErrorCode.CsrfRejected:
        return new GraphRequestError(403, GraphErrorCode.AuthorizationRequestDenied, error.message);
      default:
        return assertNever(error.code);
    }
  }
}

function assertNever(value: never): never {
  throw new Error(`unmapped sign-in refusal: ${String(value)}`);
}
