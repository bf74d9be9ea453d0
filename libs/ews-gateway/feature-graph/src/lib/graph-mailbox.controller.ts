import { All, Controller, Delete, Get, Inject, Logger, Next, Param, Patch, Req, Res } from '@nestjs/common';
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
  mailCalendarSchemas,
  parseGraphBody,
  preferredTimeZone,
  readJsonBody,
  sendJson,
  setRequestIds,
} from '@parley/graph';
import { type MessageSummary, type MessageView } from '@parley/contracts';
import { messagePropertyValue } from '@parley/ews-gateway/feature-ews';
import { ClientAddressResolver } from '@parley/sign-in';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendAttachmentContent } from './attachment-content';
import { toAutomaticRepliesSetting } from './automatic-replies.mapping';
import { CalendarViewService } from './calendar-view.service';
import { toGraphEvent } from './event.mapping';
import { extendedPropertyValues, type ExtendedPropertyRequest } from './extended-properties';
import { GraphMessagesService } from './graph-messages.service';
import { toGraphFileAttachment, toGraphMessage } from './message.mapping';
import { checkNoOptions, readCalendarViewQuery, readMessageListQuery, readMessageQuery } from './query-options';
import { GRAPH_MAILBOX_OPTIONS, type GraphMailboxOptions } from './graph-mailbox.options';
import { type MailboxAutomaticReplies, MailboxSettingsService } from './mailbox-settings.service';
import { readUserSearch } from './user-search';

/**
 * The HTTP front of the mailbox part of the Graph-compatible API (docs/graph-api.md): a user's
 * `mailboxSettings` (the automatic replies, i.e. OOF, shared with EWS), the directory search, the
 * calendar view, and messages (voicemail) with their attachments' bytes.
 * Under the same `/api/v1.0` root as presence-bridge's presence part; requests for the other part's
 * routes are handed on by `GraphRouting`.
 */
@Controller(GRAPH_API_ROOT.slice(1))
export class GraphMailboxController {
  private readonly logger = new Logger('GraphMailboxApi');
  private readonly schemas: MailboxApiSchemas & ReturnType<typeof mailCalendarSchemas> = {
    ...mailboxApiSchemas(),
    ...mailCalendarSchemas(),
  };

  constructor(
    private readonly settings: MailboxSettingsService,
    private readonly calendarView: CalendarViewService,
    private readonly messages: GraphMessagesService,
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

  // ---- calendar view -------------------------------------------------------------------------

  @Get(['me/calendarView', 'me/calendar/calendarView'])
  myCalendarView(@Req() req: IncomingMessage, @Res() res: ServerResponse): Promise<void> {
    return this.serve(req, res, async (caller) => this.sendCalendarView(req, res, caller, caller.smtpAddress));
  }

  @Get(['users/:id/calendarView', 'users/:id/calendar/calendarView'])
  userCalendarView(@Req() req: IncomingMessage, @Res() res: ServerResponse, @Param('id') id: string): Promise<void> {
    return this.serve(req, res, async (caller) => this.sendCalendarView(req, res, caller, id));
  }

  // ---- messages --------------------------------------------------------------------------------

  @Get('me/mailFolders/:folder/messages')
  myFolderMessages(@Req() req: IncomingMessage, @Res() res: ServerResponse, @Param('folder') folder: string): Promise<void> {
    return this.serve(req, res, async (caller) => this.sendFolderMessages(req, res, caller, caller.smtpAddress, folder));
  }

  @Get('users/:id/mailFolders/:folder/messages')
  folderMessages(
    @Req() req: IncomingMessage,
    @Res() res: ServerResponse,
    @Param('id') id: string,
    @Param('folder') folder: string,
  ): Promise<void> {
    return this.serve(req, res, async (caller) => this.sendFolderMessages(req, res, caller, id, folder));
  }

  @Get('me/messages/:messageId')
  myMessage(@Req() req: IncomingMessage, @Res() res: ServerResponse, @Param('messageId') messageId: string): Promise<void> {
    return this.serve(req, res, async (caller) => this.sendMessage(req, res, caller, caller.smtpAddress, messageId));
  }

  @Get('users/:id/messages/:messageId')
  message(
    @Req() req: IncomingMessage,
    @Res() res: ServerResponse,
    @Param('id') id: string,
    @Param('messageId') messageId: string,
  ): Promise<void> {
    return this.serve(req, res, async (caller) => this.sendMessage(req, res, caller, id, messageId));
  }

  @Patch('me/messages/:messageId')
  updateMyMessage(@Req() req: IncomingMessage, @Res() res: ServerResponse, @Param('messageId') messageId: string): Promise<void> {
    return this.serve(req, res, async (caller) => this.updateMessage(req, res, caller, caller.smtpAddress, messageId));
  }

  @Patch('users/:id/messages/:messageId')
  updateUserMessage(
    @Req() req: IncomingMessage,
    @Res() res: ServerResponse,
    @Param('id') id: string,
    @Param('messageId') messageId: string,
  ): Promise<void> {
    return this.serve(req, res, async (caller) => this.updateMessage(req, res, caller, id, messageId));
  }

  @Delete('me/messages/:messageId')
  deleteMyMessage(@Req() req: IncomingMessage, @Res() res: ServerResponse, @Param('messageId') messageId: string): Promise<void> {
    return this.serve(req, res, async (caller) => this.deleteMessage(req, res, caller, caller.smtpAddress, messageId));
  }

  @Delete('users/:id/messages/:messageId')
  deleteUserMessage(
    @Req() req: IncomingMessage,
    @Res() res: ServerResponse,
    @Param('id') id: string,
    @Param('messageId') messageId: string,
  ): Promise<void> {
    return this.serve(req, res, async (caller) => this.deleteMessage(req, res, caller, id, messageId));
  }

  @Get('me/messages/:messageId/attachments')
  myAttachments(@Req() req: IncomingMessage, @Res() res: ServerResponse, @Param('messageId') messageId: string): Promise<void> {
    return this.serve(req, res, async (caller) => this.sendAttachments(req, res, caller, caller.smtpAddress, messageId));
  }

  @Get('users/:id/messages/:messageId/attachments')
  attachments(
    @Req() req: IncomingMessage,
    @Res() res: ServerResponse,
    @Param('id') id: string,
    @Param('messageId') messageId: string,
  ): Promise<void> {
    return this.serve(req, res, async (caller) => this.sendAttachments(req, res, caller, id, messageId));
  }

  /** The bytes of an attachment, with byte ranges (what an `<audio>` element seeks with); HEAD too (Express answers it with GET routes). */
  @Get('me/messages/:messageId/attachments/:attachmentId/$value')
  myAttachmentContent(
    @Req() req: IncomingMessage,
    @Res() res: ServerResponse,
    @Param('messageId') messageId: string,
    @Param('attachmentId') attachmentId: string,
  ): Promise<void> {
    return this.serve(req, res, async (caller) =>
      this.sendAttachmentContent(req, res, caller, caller.smtpAddress, messageId, attachmentId),
    );
  }

  @Get('users/:id/messages/:messageId/attachments/:attachmentId/$value')
  attachmentContent(
    @Req() req: IncomingMessage,
    @Res() res: ServerResponse,
    @Param('id') id: string,
    @Param('messageId') messageId: string,
    @Param('attachmentId') attachmentId: string,
  ): Promise<void> {
    return this.serve(req, res, async (caller) => this.sendAttachmentContent(req, res, caller, id, messageId, attachmentId));
  }

  /** Everything else under the root: another part's route is handed on, a known path with another method is 405, the rest Graph's 400. */
  @All('*path')
  unknown(@Req() req: IncomingMessage, @Res() res: ServerResponse, @Next() next: () => void): void {
    this.routing.unmatched('mailbox', req, res, next);
  }

  private async sendCalendarView(req: IncomingMessage, res: ServerResponse, caller: DirectoryUser, key: string): Promise<void> {
    const zone = preferredTimeZone(req.headers['prefer']);
    const query = readCalendarViewQuery(queryOf(req), zone);
    const page = await this.calendarView.view(caller, key, query);
    if (zone !== undefined) res.setHeader('Preference-Applied', `outlook.timezone="${zone}"`);
    sendJson(req, res, 200, {
      '@odata.context': `${graphMetadataUrl(req)}#users('${page.user.id}')/calendarView`,
      value: page.items.map((item) => toGraphEvent(item, page.user.smtpAddress, zone)),
      ...(page.more ? { '@odata.nextLink': nextLink(req, query.skip + query.top) } : {}),
    });
  }

  private async sendFolderMessages(
    req: IncomingMessage,
    res: ServerResponse,
    caller: DirectoryUser,
    key: string,
    folder: string,
  ): Promise<void> {
    const query = readMessageListQuery(queryOf(req));
    const { user, found } = await this.messages.list(caller, key, folder, query);
    const more = query.skip + found.items.length < found.total;
    sendJson(req, res, 200, {
      '@odata.context': `${graphMetadataUrl(req)}#users('${user.id}')/mailFolders('${folder.toLowerCase()}')/messages`,
      ...(query.count ? { '@odata.count': found.total } : {}),
      value: found.items.map((m) => graphMessage(m, query.properties)),
      ...(more ? { '@odata.nextLink': nextLink(req, query.skip + query.top) } : {}),
    });
  }

  private async sendMessage(
    req: IncomingMessage,
    res: ServerResponse,
    caller: DirectoryUser,
    key: string,
    messageId: string,
  ): Promise<void> {
    const properties = readMessageQuery(queryOf(req));
    const { user, message } = await this.messages.get(caller, key, messageId);
    sendJson(req, res, 200, {
      '@odata.context': `${graphMetadataUrl(req)}#users('${user.id}')/messages/$entity`,
      ...graphMessage(message, properties),
    });
  }

  private async updateMessage(
    req: IncomingMessage,
    res: ServerResponse,
    caller: DirectoryUser,
    key: string,
    messageId: string,
  ): Promise<void> {
    checkNoOptions(queryOf(req));
    const patch = parseGraphBody(this.schemas.messagePatch, withoutAnnotations(await this.body(req, res)));
    const { user, message } = await this.messages.setRead(caller, key, messageId, patch.isRead);
    sendJson(req, res, 200, {
      '@odata.context': `${graphMetadataUrl(req)}#users('${user.id}')/messages/$entity`,
      ...graphMessage(message),
    });
  }

  /** 204 No Content, as Graph answers a DELETE. */
  private async deleteMessage(
    req: IncomingMessage,
    res: ServerResponse,
    caller: DirectoryUser,
    key: string,
    messageId: string,
  ): Promise<void> {
    checkNoOptions(queryOf(req));
    await this.messages.delete(caller, key, messageId);
    setRequestIds(req, res);
    res.statusCode = 204;
    res.end();
  }

  private async sendAttachments(
    req: IncomingMessage,
    res: ServerResponse,
    caller: DirectoryUser,
    key: string,
    messageId: string,
  ): Promise<void> {
    checkNoOptions(queryOf(req));
    const { user, message } = await this.messages.get(caller, key, messageId);
    sendJson(req, res, 200, {
      '@odata.context': `${graphMetadataUrl(req)}#users('${user.id}')/messages('${message.id}')/attachments`,
      value: message.attachments.map(toGraphFileAttachment),
    });
  }

  private async sendAttachmentContent(
    req: IncomingMessage,
    res: ServerResponse,
    caller: DirectoryUser,
    key: string,
    messageId: string,
    attachmentId: string,
  ): Promise<void> {
    checkNoOptions(queryOf(req));
    const { user, attachment } = await this.messages.attachment(caller, key, messageId, attachmentId);
    await sendAttachmentContent(req, res, attachment, (start, end) => this.messages.content(user.smtpAddress, attachment.id, start, end));
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

function queryOf(req: IncomingMessage): URLSearchParams {
  return new URL(req.url ?? '/', 'http://localhost').searchParams;
}

/** The request's own URL with `$skip` moved on: Graph's `@odata.nextLink`, which clients follow as given. */
function nextLink(req: IncomingMessage, skip: number): string {
  const url = new URL(req.url ?? '/', 'http://localhost');
  url.searchParams.set('$skip', String(skip));
  const base = graphMetadataUrl(req).slice(0, -'/$metadata'.length).slice(0, -GRAPH_API_ROOT.length);
  return `${base}${url.pathname}${url.search}`;
}

/** A message as Graph answers it, with the asked extended properties (the MAPI ones EWS derives) when `$expand` asked. */
function graphMessage(message: MessageSummary | MessageView, properties?: readonly ExtendedPropertyRequest[]) {
  const values = properties && extendedPropertyValues(properties, (key) => messagePropertyValue(key, message));
  return toGraphMessage(message, values);
}
