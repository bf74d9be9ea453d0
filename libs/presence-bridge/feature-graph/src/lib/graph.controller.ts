import { All, Controller, Get, Inject, Logger, Next, Param, Post, Req, Res } from '@nestjs/common';
import { AuthException, Authenticator, clientAddressOf, RequestAuthenticator } from '@parley/auth';
import { parleyVersion } from '@parley/config';
import type { DirectoryUser } from '@parley/directory';
import {
  answerGraphRequest,
  badRequest,
  GRAPH_API_ROOT,
  type GraphApiSchemas,
  graphApiSchemas,
  graphAvailabilities,
  graphMetadataUrl,
  graphOpenApiDocument,
  GraphRouting,
  graphSignInRefusal,
  parseGraphBody,
  readJsonBody,
  sendEmpty,
  sendJson,
} from '@parley/graph';
import type { GraphAvailability } from '@parley/presence-bridge/presence-engine';
import { ClientAddressResolver } from '@parley/sign-in';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GRAPH_API_OPTIONS, type GraphApiOptions } from './graph-api.options';
import { GraphPresenceService } from './graph-presence.service';

// Every availability the contract lists is one the engine knows.
graphAvailabilities satisfies readonly GraphAvailability[];

/**
 * The HTTP front of the presence part of the Graph-compatible API (`/api/v1.0`, docs/graph-api.md).
 * Each request: sign in (the process's `Authenticator`), read and validate the body within its
 * limits, call the service, answer in Graph's shapes; every refusal is Graph's error body. It also
 * serves the OpenAPI document of the whole API (both parts).
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
    private readonly routing: GraphRouting,
    @Inject(GRAPH_API_OPTIONS) private readonly options: GraphApiOptions,
  ) {
    this.schemas = graphApiSchemas(options.limits);
    this.openApi = Buffer.from(JSON.stringify(graphOpenApiDocument(options.limits, parleyVersion)), 'utf8');
    routing.serve('presence');
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
      const { ids } = parseGraphBody(this.schemas.getPresencesByUserIdRequest, await this.body(req, res));
      const value = await this.presence.presencesOf(caller, ids);
      sendJson(req, res, 200, { '@odata.context': `${graphMetadataUrl(req)}#Collection(microsoft.graph.presence)`, value });
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

  /** Everything else under the root: another part's route is handed on, a known path with another method is 405, the rest Graph's 400. */
  @All('*path')
  unknown(@Req() req: IncomingMessage, @Res() res: ServerResponse, @Next() next: () => void): void {
    this.routing.unmatched('presence', req, res, next);
  }

  private async sendPresence(req: IncomingMessage, res: ServerResponse, caller: DirectoryUser, key: string): Promise<void> {
    const presence = await this.presence.presenceOf(caller, key);
    const context = `${graphMetadataUrl(req)}#users('${presence.id}')/presence/$entity`;
    sendJson(req, res, 200, { '@odata.context': context, ...presence });
  }

  private async setPreferred(req: IncomingMessage, res: ServerResponse, caller: DirectoryUser, key: string): Promise<void> {
    const body = parseGraphBody(this.schemas.setUserPreferredPresenceRequest, await this.body(req, res));
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

  /** Signs the caller in and runs `work`; whatever it throws becomes Graph's error answer. */
  private serve(req: IncomingMessage, res: ServerResponse, work: (caller: DirectoryUser) => Promise<void>): Promise<void> {
    return answerGraphRequest(req, res, this.logger, async () => work(await this.signIn(req)));
  }

  private async signIn(req: IncomingMessage): Promise<DirectoryUser> {
    try {
      // The Authorization header, or the web client's session cookie (with its CSRF token on POST).
      return (await this.requests.authenticateRequest(req, clientAddressOf(this.clientAddresses, req))).user;
    } catch (error) {
      if (!(error instanceof AuthException)) throw error;
      throw graphSignInRefusal(error, this.authenticator.bearerEnabled);
    }
  }
}
