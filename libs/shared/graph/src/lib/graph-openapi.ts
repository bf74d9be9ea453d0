import { z } from 'zod';
import { GRAPH_API_ROOT } from './graph-routes';
import { MAIL_CALENDAR_LIMITS, mailCalendarSchemaNames, mailCalendarSchemas } from './mail-calendar.schemas';
import { mailboxApiSchemas, mailboxSchemaNames, USER_SEARCH_LIMITS } from './mailbox.schemas';
import { type GraphApiLimits, graphApiSchemas, graphSchemaNames } from './presence.schemas';

/**
 * The OpenAPI 3.1 document of the whole API — the presence part (presence-bridge) and the mailbox
 * part (ews-gateway) — generated from the zod schemas requests are validated with (zod's JSON
 * Schema output is draft 2020-12, OpenAPI 3.1's dialect). Whichever process serves it lists every
 * operation: `limits` are presence-bridge's configuration, the mailbox part's are constants.
 */
export function graphOpenApiDocument(limits: GraphApiLimits, version: string): Record<string, unknown> {
  const schemas = graphApiSchemas(limits);
  const mailbox = mailboxApiSchemas();
  const mail = mailCalendarSchemas();
  const registry = z.registry<{ id: string }>();
  const names = new Map<z.ZodType, string>();
  const register = (record: Record<string, z.ZodType>, ids: Record<string, string>) => {
    for (const [key, schema] of Object.entries(record)) {
      // Shared shapes (the error body, dateTimeTimeZone) are one object in both records: named once.
      if (names.has(schema)) continue;
      registry.add(schema, { id: ids[key] });
      names.set(schema, ids[key]);
    }
  };
  register(schemas, graphSchemaNames);
  register(mailbox, mailboxSchemaNames);
  register(mail, mailCalendarSchemaNames);
  const generated = z.toJSONSchema(registry, { io: 'input', uri: (id) => `#/components/schemas/${id}` }).schemas;
  const components = Object.fromEntries(
    Object.entries(generated).map(([id, schema]) => {
      const { $schema: _dialect, $id: _id, ...rest } = schema as Record<string, unknown>;
      return [id, rest];
    }),
  );
  const ref = (schema: z.ZodType) => ({ $ref: `#/components/schemas/${names.get(schema) as string}` });
  const json = (schema: z.ZodType) => ({ 'application/json': { schema: ref(schema) } });
  const error = (description: string) => ({ description, content: json(schemas.graphError) });
  const refusals = {
    '400': error('A body that is not JSON, or a missing or invalid value (`BadRequest`).'),
    '401': error('No credentials, or ones that do not sign in (`InvalidAuthenticationToken`), with a `WWW-Authenticate` challenge.'),
    '429': error('Too many failed sign-ins from this client (`TooManyRequests`); `Retry-After` says when to try again.'),
  };
  const userParameter = {
    name: 'id',
    in: 'path',
    required: true,
    description: "The user's SMTP address (Graph's user principal name) or directory object id.",
    schema: { type: 'string' },
  };
  const emptyOk = { description: 'Done; no body.' };
  const changeRefusals = {
    ...refusals,
    '403': error("Another user's presence without the ApplicationImpersonation role and scope (`Authorization_RequestDenied`)."),
    '404': error('No such user (`Request_ResourceNotFound`).'),
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Parley presence, mailbox settings, calendar view and voicemail (Microsoft Graph-compatible)',
      version,
      description:
        "Presence, automatic replies and a directory search in Microsoft Graph v1.0's shapes: Graph clients work with their base URL set to `<Parley>/api`. Sign in with Basic (SMTP address and password) or a Parley bearer token.",
    },
    servers: [{ url: GRAPH_API_ROOT }],
    security: [{ basic: [] }, { bearer: [] }],
    paths: {
      '/users/{id}/presence': {
        get: {
          operationId: 'getPresence',
          summary: "A user's presence, as the caller sees it.",
          parameters: [userParameter],
          responses: {
            '200': { description: 'The presence.', content: json(schemas.presenceEntity) },
            ...refusals,
            '404': error('No such user (`Request_ResourceNotFound`).'),
          },
        },
      },
      '/communications/getPresencesByUserId': {
        post: {
          operationId: 'getPresencesByUserId',
          summary: 'The presences of several users; ids that name nobody are left out.',
          requestBody: { required: true, content: json(schemas.getPresencesByUserIdRequest) },
          responses: {
            '200': { description: 'The presences.', content: json(schemas.presenceCollection) },
            ...refusals,
            '413': error('A body over the size limit (`RequestEntityTooLarge`).'),
          },
        },
      },
      '/users/{id}/presence/setUserPreferredPresence': {
        post: {
          operationId: 'setUserPreferredPresence',
          summary: "Sets the user's preferred presence (a hand-set state) until it expires.",
          parameters: [userParameter],
          requestBody: { required: true, content: json(schemas.setUserPreferredPresenceRequest) },
          responses: { '200': emptyOk, ...changeRefusals },
        },
      },
      '/users/{id}/presence/clearUserPreferredPresence': {
        post: {
          operationId: 'clearUserPreferredPresence',
          summary: "Clears the user's preferred presence: back to the automatic one.",
          parameters: [userParameter],
          requestBody: { required: false, content: { 'application/json': { schema: { type: 'object' } } } },
          responses: { '200': emptyOk, ...changeRefusals },
        },
      },
      ...mailboxPaths(mailbox, { ref, json, error, refusals, userParameter }),
      ...calendarAndMessagePaths(mail, { ref, json, error, refusals, userParameter }),
    },
    components: {
      schemas: components,
      securitySchemes: {
        basic: { type: 'http', scheme: 'basic' },
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A token from `parley-admin token issue`.' },
      },
    },
  };
}

interface PathParts {
  ref: (schema: z.ZodType) => { $ref: string };
  json: (schema: z.ZodType) => Record<string, unknown>;
  error: (description: string) => Record<string, unknown>;
  refusals: Record<string, unknown>;
  userParameter: Record<string, unknown>;
}

/** The mailbox part's operations (ews-gateway): automatic replies under mailboxSettings, and the directory search. */
function mailboxPaths(schemas: ReturnType<typeof mailboxApiSchemas>, { json, error, refusals, userParameter }: PathParts) {
  const settingsRefusals = {
    ...refusals,
    '403': error("Another user's mailbox without the ApplicationImpersonation role and scope (`Authorization_RequestDenied`)."),
    '404': error('No such user (`Request_ResourceNotFound`).'),
    '503': error(
      'calendar-sync, which owns the settings, did not answer in time (`serviceNotAvailable`); `Retry-After` says when to try again.',
    ),
  };
  const prefer = {
    name: 'Prefer',
    in: 'header',
    required: false,
    description: 'outlook.timezone="<IANA or Windows zone>": the scheduled times in that zone instead of UTC.',
    schema: { type: 'string' },
  };
  const patchRefusals = {
    ...settingsRefusals,
    '400': error(
      'An unknown property, a value outside the enumerations, an unknown zone, scheduled without both times or with the start not before the end, a reply too long, or a mailbox setting Parley does not support (`BadRequest`); nothing is written.',
    ),
  };
  return {
    '/users/{id}/mailboxSettings': {
      get: {
        operationId: 'getMailboxSettings',
        summary: "The user's mailbox settings (the automatic replies). Also under /me.",
        parameters: [userParameter, prefer],
        responses: { '200': { description: 'The settings.', content: json(schemas.mailboxSettings) }, ...settingsRefusals },
      },
      patch: {
        operationId: 'updateMailboxSettings',
        summary: 'Changes the automatic replies; answers the settings as they are now. Also under /me.',
        parameters: [userParameter, prefer],
        requestBody: { required: true, content: json(schemas.mailboxSettingsPatch) },
        responses: { '200': { description: 'The settings after the change.', content: json(schemas.mailboxSettings) }, ...patchRefusals },
      },
    },
    '/users/{id}/mailboxSettings/automaticRepliesSetting': {
      get: {
        operationId: 'getAutomaticRepliesSetting',
        summary: "The user's automatic replies (out of office). Also under /me.",
        parameters: [userParameter, prefer],
        responses: { '200': { description: 'The setting.', content: json(schemas.automaticRepliesSettingEntity) }, ...settingsRefusals },
      },
      patch: {
        operationId: 'updateAutomaticRepliesSetting',
        summary: 'Changes the automatic replies (the properties given); answers the setting as it is now. Also under /me.',
        parameters: [userParameter, prefer],
        requestBody: { required: true, content: json(schemas.automaticRepliesSettingPatch) },
        responses: {
          '200': { description: 'The setting after the change.', content: json(schemas.automaticRepliesSettingEntity) },
          ...patchRefusals,
        },
      },
    },
    '/users': {
      get: {
        operationId: 'searchUsers',
        summary:
          'Directory search: enabled users whose display name or address contains the text (case-insensitive), prefix matches first.',
        parameters: [
          {
            name: '$search',
            in: 'query',
            required: true,
            description: `"<text>" in double quotes, or "displayName:<text>", "mail:<text>", "userPrincipalName:<text>"; 1 to ${USER_SEARCH_LIMITS.maxSearchChars} characters.`,
            schema: { type: 'string' },
          },
          {
            name: '$top',
            in: 'query',
            required: false,
            description: `Results to answer, 1 to ${USER_SEARCH_LIMITS.maxTop} (default ${USER_SEARCH_LIMITS.defaultTop}).`,
            schema: { type: 'integer', minimum: 1, maximum: USER_SEARCH_LIMITS.maxTop, default: USER_SEARCH_LIMITS.defaultTop },
          },
          { name: '$select', in: 'query', required: false, description: 'Accepted and ignored.', schema: { type: 'string' } },
          {
            name: 'ConsistencyLevel',
            in: 'header',
            required: false,
            description: 'Graph requires `eventual` with $search; Parley accepts it and does not require it.',
            schema: { type: 'string' },
          },
        ],
        responses: { '200': { description: 'The users found.', content: json(schemas.userCollection) }, ...refusals },
      },
    },
  };
}

/** The calendar view and the message (voicemail) operations of the mailbox part (ews-gateway). */
function calendarAndMessagePaths(schemas: ReturnType<typeof mailCalendarSchemas>, { json, error, refusals, userParameter }: PathParts) {
  const mailboxRefusals = {
    ...refusals,
    '403': error("Another user's mailbox without the ApplicationImpersonation role and scope (`Authorization_RequestDenied`)."),
    '404': error('No such user (`Request_ResourceNotFound`), or no such message or attachment in the mailbox (`ErrorItemNotFound`).'),
    '503': error('The owning service did not answer in time (`serviceNotAvailable`); `Retry-After` says when to try again.'),
  };
  const query = (name: string, description: string, schema: Record<string, unknown> = { type: 'string' }) => ({
    name,
    in: 'query',
    required: false,
    description,
    schema,
  });
  const path = (name: string, description: string) => ({ name, in: 'path', required: true, description, schema: { type: 'string' } });
  const messageId = path('messageId', 'The message id (as listed).');
  const page = (maxSkip: number) => [
    query(`$top`, `Items per page, 1 to ${MAIL_CALENDAR_LIMITS.maxTop} (default ${MAIL_CALENDAR_LIMITS.defaultTop}).`, {
      type: 'integer',
      minimum: 1,
      maximum: MAIL_CALENDAR_LIMITS.maxTop,
      default: MAIL_CALENDAR_LIMITS.defaultTop,
    }),
    query('$skip', `Items to skip, at most ${maxSkip}; @odata.nextLink carries the next one.`, {
      type: 'integer',
      minimum: 0,
      maximum: maxSkip,
    }),
    query('$select', 'Accepted and ignored.'),
  ];
  const expand = query(
    '$expand',
    `Only singleValueExtendedProperties($filter=id eq '<type> 0x<tag>' or …), at most ${MAIL_CALENDAR_LIMITS.maxExtendedProperties} ids; e.g. the voicemail ones: Integer 0x6801 (duration, s), String 0x6802 (caller number), String 0x6803 (caller name), String 0x6805 (recording file name; single message only).`,
  );
  const prefer = {
    name: 'Prefer',
    in: 'header',
    required: false,
    description: 'outlook.timezone="<IANA or Windows zone>": times in that zone instead of UTC (and offset-less window bounds read in it).',
    schema: { type: 'string' },
  };
  return {
    '/users/{id}/calendarView': {
      get: {
        operationId: 'listCalendarView',
        summary: `Events overlapping [startDateTime, endDateTime) — at most ${MAIL_CALENDAR_LIMITS.maxCalendarViewDays} days — recurring series expanded, by start. Also under /me and …/calendar/calendarView.`,
        parameters: [
          userParameter,
          { ...query('startDateTime', 'ISO 8601; without offset in the Prefer zone, else UTC.'), required: true },
          { ...query('endDateTime', 'ISO 8601, after startDateTime.'), required: true },
          ...page(MAIL_CALENDAR_LIMITS.maxCalendarViewSkip),
          query('$orderby', 'Only start/dateTime (the order answered anyway).'),
          prefer,
        ],
        responses: { '200': { description: 'A page of events.', content: json(schemas.eventCollection) }, ...mailboxRefusals },
      },
    },
    '/users/{id}/mailFolders/{folder}/messages': {
      get: {
        operationId: 'listFolderMessages',
        summary: 'A page of a folder by its well-known name (inbox, voicemail, deleteditems, …), newest first. Also under /me.',
        parameters: [
          userParameter,
          path(
            'folder',
            'A well-known folder name: inbox, voicemail, deleteditems, sentitems, drafts, outbox, junkemail, notes, journal, conversationhistory.',
          ),
          ...page(MAIL_CALENDAR_LIMITS.maxMessageSkip),
          query('$count', "true: @odata.count is the folder's message count."),
          query('$orderby', 'receivedDateTime desc (default) or asc.'),
          expand,
        ],
        responses: { '200': { description: 'A page of messages.', content: json(schemas.messageCollection) }, ...mailboxRefusals },
      },
    },
    '/users/{id}/messages/{messageId}': {
      get: {
        operationId: 'getMessage',
        summary: 'One message, with its body. Also under /me.',
        parameters: [userParameter, messageId, expand, query('$select', 'Accepted and ignored.')],
        responses: { '200': { description: 'The message.', content: json(schemas.messageEntity) }, ...mailboxRefusals },
      },
      patch: {
        operationId: 'updateMessage',
        summary: 'Marks the message read or unread (isRead is all that can change); answers the message. Also under /me.',
        parameters: [userParameter, messageId],
        requestBody: { required: true, content: json(schemas.messagePatch) },
        responses: { '200': { description: 'The message after the change.', content: json(schemas.messageEntity) }, ...mailboxRefusals },
      },
      delete: {
        operationId: 'deleteMessage',
        summary: 'Moves the message to Deleted Items (removes it when it is there already). Also under /me.',
        parameters: [userParameter, messageId],
        responses: { '204': { description: 'Deleted; no body.' }, ...mailboxRefusals },
      },
    },
    '/users/{id}/messages/{messageId}/attachments': {
      get: {
        operationId: 'listAttachments',
        summary: "The message's attachments, without their bytes. Also under /me.",
        parameters: [userParameter, messageId],
        responses: { '200': { description: 'The attachments.', content: json(schemas.attachmentCollection) }, ...mailboxRefusals },
      },
    },
    '/users/{id}/messages/{messageId}/attachments/{attachmentId}/$value': {
      get: {
        operationId: 'getAttachmentContent',
        summary:
          "The attachment's bytes, streamed, with its Content-Type, Content-Length, Accept-Ranges: bytes and ETag. One byte range (Range: bytes=a-b, a-, -n) answers 206 with Content-Range; several ranges answer the whole content; If-Range and If-None-Match are honoured. HEAD answers the headers. Also under /me.",
        parameters: [
          userParameter,
          messageId,
          path('attachmentId', 'The attachment id (as listed).'),
          {
            name: 'Range',
            in: 'header',
            required: false,
            description: 'bytes=<first>-[<last>] or bytes=-<suffix length>.',
            schema: { type: 'string' },
          },
          { name: 'If-Range', in: 'header', required: false, description: 'The ETag the client holds.', schema: { type: 'string' } },
        ],
        responses: {
          '200': {
            description: 'The whole content.',
            content: { '*/*': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } },
          },
          '206': {
            description: 'One byte range, with Content-Range.',
            content: { '*/*': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } },
          },
          '304': { description: 'If-None-Match named the current ETag.' },
          '416': error('The range starts past the end (`RequestedRangeNotSatisfiable`); Content-Range: bytes */<size>.'),
          ...mailboxRefusals,
        },
      },
    },
  };
}
