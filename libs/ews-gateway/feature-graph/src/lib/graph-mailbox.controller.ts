import { All, Controller, Get, Inject, Logger, Next, Param, Patch, Req, Res } from '@nestjs/common';
import { AuthException, Authenticator, clientAddressOf, RequestAuthenticator } from '@parley/auth';
import { DirectoryRepository, type DirectoryUser } from '@parley/directory';
import {
  answerGraphRequest,
  GRAPH_API_ROOT,
  graphMetadataUrl,
  GraphRouting,
  graphSignInRefusal,
  mailboxApiSchemas,
  type MailboxApiSchemas,
  parseGraphBody,
  preferredTimeZone,
  readJsonBody,
  sendJson,
} from '@parley/graph';
import { ClientAddressResolver } from '@parley/sign-in';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { toAutomaticRepliesSetting } from './automatic-replies.mapping';
import { GRAPH_MAILBOX_OPTIONS, type GraphMailboxOptions } from './graph-mailbox.options';
import { type MailboxAutomaticReplies, MailboxSettingsService } from './mailbox-settings.service';
import { readUserSearch } from './user-search';

/**
 * The HTTP front of the mailbox part of the Graph-compatible API (docs/graph-api.md): a user's
 * `mailboxSettings` (the automatic replies, i.e. OOF, shared with EWS) and the directory search.
 * Under the same `/api/v1.0` root as presence-bridge's presence part; requests for the other part's
 * routes are handed on by `GraphRouting`.
 */
@Controller(GRAPH_API_ROOT.slice(1))
export class GraphMailboxController {
  private readonly logger = new Logger('GraphMailboxApi');
  private readonly schemas: MailboxApiSchemas = mailboxApiSchemas();

  constructor(
    private readonly settings: MailboxSettingsService,
    private readonly directory: DirectoryRepository,
    private readonly authenticator: Authenticator,
    private readonly requests: RequestAuthenticator,
    private readonly clientAddresses: ClientAddressResolver,
    private readonly routing: GraphRouting,
    @Inject(GRAPH_MAILBOX_OPTIONS) private readonly options: GraphMailboxOptions,
  ) {
    routing.serve('mailbox');
  }

  @Get('me/mailboxSettings')
  myMailboxSettings(@Req() req: IncomingMessage, @Res() res: ServerResponse): Promise<void> {
    return this.serve(req, res, async (caller) =>
      this.sendSettings(req, res, await this.settings.automaticReplies(caller, caller.smtpAddress)),
    );
  }

  @Get('users/:id/mailboxSettings')
  mailboxSettings(@Req() req: IncomingMessage, @Res() res: ServerResponse, @Param('id') id: string): Promise<void> {
    return this.serve(req, res, async (caller) => this.sendSettings(req, res, await this.settings.automaticReplies(caller, id)));
  }

  @Patch('me/mailboxSettings')
  updateMyMailboxSettings(@Req() req: IncomingMessage, @Res() res: ServerResponse): Promise<void> {
    return this.serve(req, res, async (caller) => this.updateSettings(req, res, caller, caller.smtpAddress));
  }

  @Patch('users/:id/mailboxSettings')
  updateMailboxSettings(@Req() req: IncomingMessage, @Res() res: ServerResponse, @Param('id') id: string): Promise<void> {
    return this.serve(req, res, async (caller) => this.updateSettings(req, res, caller, id));
  }

  @Get('me/mailboxSettings/automaticRepliesSetting')
  myAutomaticReplies(@Req() req: IncomingMessage, @Res() res: ServerResponse): Promise<void> {
    return this.serve(req, res, async (caller) =>
      this.sendReplies(req, res, await this.settings.automaticReplies(caller, caller.smtpAddress)),
    );
  }

  @Get('users/:id/mailboxSettings/automaticRepliesSetting')
  automaticReplies(@Req() req: IncomingMessage, @Res() res: ServerResponse, @Param('id') id: string): Promise<void> {
    return this.serve(req, res, async (caller) => this.sendReplies(req, res, await this.settings.automaticReplies(caller, id)));
  }

  @Patch('me/mailboxSettings/automaticRepliesSetting')
  updateMyAutomaticReplies(@Req() req: IncomingMessage, @Res() res: ServerResponse): Promise<void> {
    return this.serve(req, res, async (caller) => this.updateReplies(req, res, caller, caller.smtpAddress));
  }

  @Patch('users/:id/mailboxSettings/automaticRepliesSetting')
  updateAutomaticReplies(@Req() req: IncomingMessage, @Res() res: ServerResponse, @Param('id') id: string): Promise<void> {
    return this.serve(req, res, async (caller) => this.updateReplies(req, res, caller, id));
  }

  /** Directory search for "add a contact": any signed-in user may search (the directory is visible to all, as presence is). */
  @Get('users')
  searchUsers(@Req() req: IncomingMessage, @Res() res: ServerResponse): Promise<void> {
    return this.serve(req, res, async () => {
      const search = readUserSearch(new URL(req.url ?? '/', 'http://localhost').searchParams);
      const found = await this.directory.searchUsers(search.text, search.top, search.property);
      const value = found.map((u) => ({ id: u.id, displayName: u.displayName, mail: u.smtpAddress, userPrincipalName: u.smtpAddress }));
      sendJson(req, res, 200, { '@odata.context': `${graphMetadataUrl(req)}#users`, value });
    });
  }

  /** Everything else under the root: another part's route is handed on, a known path with another method is 405, the rest Graph's 400. */
  @All('*path')
  unknown(@Req() req: IncomingMessage, @Res() res: ServerResponse, @Next() next: () => void): void {
    this.routing.unmatched('mailbox', req, res, next);
  }

  private async updateSettings(req: IncomingMessage, res: ServerResponse, caller: DirectoryUser, key: string): Promise<void> {
    const body = parseGraphBody(this.schemas.mailboxSettingsPatch, withoutAnnotations(await this.body(req, res)));
    this.sendSettings(req, res, await this.settings.updateAutomaticReplies(caller, key, body.automaticRepliesSetting ?? {}));
  }

  private async updateReplies(req: IncomingMessage, res: ServerResponse, caller: DirectoryUser, key: string): Promise<void> {
    const patch = parseGraphBody(this.schemas.automaticRepliesSettingPatch, withoutAnnotations(await this.body(req, res)));
    this.sendReplies(req, res, await this.settings.updateAutomaticReplies(caller, key, patch));
  }

  private sendSettings(req: IncomingMessage, res: ServerResponse, { user, settings }: MailboxAutomaticReplies): void {
    const zone = this.answerZone(req, res);
    sendJson(req, res, 200, {
      '@odata.context': `${graphMetadataUrl(req)}#users('${user.id}')/mailboxSettings`,
      automaticRepliesSetting: toAutomaticRepliesSetting(settings, zone),
    });
  }

  private sendReplies(req: IncomingMessage, res: ServerResponse, { user, settings }: MailboxAutomaticReplies): void {
    const zone = this.answerZone(req, res);
    sendJson(req, res, 200, {
      '@odata.context': `${graphMetadataUrl(req)}#users('${user.id}')/mailboxSettings/automaticRepliesSetting`,
      ...toAutomaticRepliesSetting(settings, zone),
    });
  }

  /** The zone of `Prefer: outlook.timezone="..."` when it names a known one (said back in `Preference-Applied`); else UTC. */
  private answerZone(req: IncomingMessage, res: ServerResponse): string | undefined {
    const zone = preferredTimeZone(req.headers['prefer']);
    if (zone !== undefined) res.setHeader('Preference-Applied', `outlook.timezone="${zone}"`);
    return zone;
  }

  private body(req: IncomingMessage, res: ServerResponse): Promise<unknown> {
    return readJsonBody(req, res, { maxBytes: this.options.maxBodyBytes, timeoutMs: this.options.bodyTimeoutMs });
  }

  /** Signs the caller in and runs `work`; whatever it throws becomes Graph's error answer. */
  private serve(req: IncomingMessage, res: ServerResponse, work: (caller: DirectoryUser) => Promise<void>): Promise<void> {
    return answerGraphRequest(req, res, this.logger, async () => work(await this.signIn(req)));
  }

  /** The one place this front signs a request in. */
  private async signIn(req: IncomingMessage): Promise<DirectoryUser> {
    try {
      // The Authorization header, or the web client's session cookie (with its CSRF token on PATCH).
      return (await this.requests.authenticateRequest(req, clientAddressOf(this.clientAddresses, req))).user;
    } catch (error) {
      if (!(error instanceof AuthException)) throw error;
      throw graphSignInRefusal(error, this.authenticator.bearerEnabled);
    }
  }
}

/**
 * The body without OData annotations (`@odata.context`, …): a client may send back the object it
 * read. Anything but an object is left to the schema to refuse.
 */
function withoutAnnotations(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  return Object.fromEntries(Object.entries(body).filter(([key]) => !key.startsWith('@odata.')));
}
