import { graphApiSchemas } from './presence.schemas';
import { graphOpenApiDocument } from './graph-openapi';

const limits = { maxBatchIds: 650, maxPreferredPresenceMs: 30 * 86_400_000 };

describe('the OpenAPI document', () => {
  const document = graphOpenApiDocument(limits, '1.2.3') as {
    openapi: string;
    info: { version: string };
    paths: Record<string, Record<string, { operationId: string; requestBody?: unknown; responses: Record<string, unknown> }>>;
    components: { schemas: Record<string, Record<string, unknown>> };
  };
  const schemaOf = (name: string) => document.components.schemas[name];
  const refOf = (value: unknown) =>
    (value as { content: { 'application/json': { schema: { $ref: string } } } }).content['application/json'].schema.$ref;

  it('lists the operations of both parts with their request and answer schemas', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.info.version).toBe('1.2.3');
    const operations = Object.values(document.paths).flatMap((methods) => Object.values(methods).map((op) => op.operationId));
    expect(operations.sort()).toEqual([
      'clearUserPreferredPresence',
      'deleteMessage',
      'getAttachmentContent',
      'getAutomaticRepliesSetting',
      'getMailboxSettings',
      'getMessage',
      'getPresence',
      'getPresencesByUserId',
      'listAttachments',
      'listCalendarView',
      'listFolderMessages',
      'searchUsers',
      'setUserPreferredPresence',
      'updateAutomaticRepliesSetting',
      'updateMailboxSettings',
      'updateMessage',
    ]);
    expect(refOf(document.paths['/users/{id}/presence']['get'].responses['200'])).toBe('#/components/schemas/PresenceEntity');
    const batch = document.paths['/communications/getPresencesByUserId']['post'];
    expect(refOf(batch.requestBody)).toBe('#/components/schemas/GetPresencesByUserIdRequest');
    expect(refOf(batch.responses['200'])).toBe('#/components/schemas/PresenceCollection');
    const set = document.paths['/users/{id}/presence/setUserPreferredPresence']['post'];
    expect(refOf(set.requestBody)).toBe('#/components/schemas/SetUserPreferredPresenceRequest');
    expect(set.responses['200']).toEqual({ description: expect.any(String) });
    for (const status of ['400', '401', '403', '404', '429'])
      expect(refOf(set.responses[status])).toBe('#/components/schemas/ErrorResponse');
  });

  it('describes the calendar view and the message operations with their shapes and limits', () => {
    expect(refOf(document.paths['/users/{id}/calendarView']['get'].responses['200'])).toBe('#/components/schemas/EventCollection');
    expect(schemaOf('microsoft.graph.event')).toMatchObject({
      properties: { showAs: { enum: ['free', 'tentative', 'busy', 'oof', 'workingElsewhere', 'unknown'] } },
    });
    const message = document.paths['/users/{id}/messages/{messageId}'];
    expect(refOf(message['patch'].requestBody)).toBe('#/components/schemas/MessagePatch');
    expect(schemaOf('MessagePatch')).toMatchObject({ additionalProperties: false, required: ['isRead'] });
    expect(Object.keys(message['delete'].responses)).toContain('204');
    expect(refOf(document.paths['/users/{id}/mailFolders/{folder}/messages']['get'].responses['200'])).toBe(
      '#/components/schemas/MessageCollection',
    );
    const content = document.paths['/users/{id}/messages/{messageId}/attachments/{attachmentId}/$value']['get'];
    expect(Object.keys(content.responses)).toEqual(expect.arrayContaining(['200', '206', '416']));
  });

  it('describes the mailbox operations with the schemas ews-gateway validates with', () => {
    const settings = document.paths['/users/{id}/mailboxSettings'];
    expect(refOf(settings['get'].responses['200'])).toBe('#/components/schemas/microsoft.graph.mailboxSettings');
    expect(refOf(settings['patch'].requestBody)).toBe('#/components/schemas/MailboxSettingsPatch');
    const replies = document.paths['/users/{id}/mailboxSettings/automaticRepliesSetting'];
    expect(refOf(replies['patch'].requestBody)).toBe('#/components/schemas/AutomaticRepliesSettingPatch');
    expect(refOf(replies['get'].responses['200'])).toBe('#/components/schemas/AutomaticRepliesSettingEntity');
    for (const status of ['400', '401', '403', '404', '429', '503'])
      expect(refOf(replies['patch'].responses[status])).toBe('#/components/schemas/ErrorResponse');
    expect(refOf(document.paths['/users']['get'].responses['200'])).toBe('#/components/schemas/UserCollection');
    expect(schemaOf('microsoft.graph.automaticRepliesSetting')).toMatchObject({
      properties: {
        status: { enum: ['disabled', 'alwaysEnabled', 'scheduled'] },
        externalAudience: { enum: ['none', 'contactsOnly', 'all'] },
      },
    });
    expect(schemaOf('AutomaticRepliesSettingPatch')).toMatchObject({
      additionalProperties: false,
      properties: { internalReplyMessage: { type: 'string', maxLength: 32_000 } },
    });
    // Both parts use one dateTimeTimeZone and one error body.
    expect(Object.keys(document.components.schemas).filter((name) => name.includes('dateTimeTimeZone'))).toEqual([
      'microsoft.graph.dateTimeTimeZone',
    ]);
  });

  it('carries the limits and value sets the code validates with', () => {
    expect(schemaOf('GetPresencesByUserIdRequest')).toMatchObject({
      properties: { ids: { type: 'array', maxItems: 650 } },
      required: ['ids'],
    });
    expect(schemaOf('SetUserPreferredPresenceRequest')).toMatchObject({
      properties: {
        availability: { enum: ['Available', 'Busy', 'DoNotDisturb', 'BeRightBack', 'Away', 'Offline'] },
        activity: { enum: ['Available', 'Busy', 'DoNotDisturb', 'BeRightBack', 'Away', 'OffWork'] },
      },
      required: ['availability', 'activity'],
    });
    expect(schemaOf('microsoft.graph.presence')).toMatchObject({
      properties: {
        availability: { enum: expect.arrayContaining(['Available', 'AvailableIdle', 'PresenceUnknown']) },
        outOfOfficeSettings: { $ref: '#/components/schemas/microsoft.graph.outOfOfficeSettings' },
      },
    });
    expect(JSON.stringify(document)).not.toContain('$schema');
  });

  it('is generated from the schemas requests are validated with', () => {
    const schemas = graphApiSchemas(limits);
    expect(schemas.getPresencesByUserIdRequest.safeParse({ ids: Array.from({ length: 651 }, () => 'a@b.c') }).success).toBe(false);
    expect(schemas.setUserPreferredPresenceRequest.parse({ availability: 'Busy', activity: 'Busy', expirationDuration: 'PT8H' })).toEqual({
      availability: 'Busy',
      activity: 'Busy',
      expirationDuration: 8 * 3_600_000,
    });
    expect(graphOpenApiDocument({ ...limits, maxBatchIds: 10 }, '0')).toMatchObject({
      components: { schemas: { GetPresencesByUserIdRequest: { properties: { ids: { maxItems: 10 } } } } },
    });
  });
});
