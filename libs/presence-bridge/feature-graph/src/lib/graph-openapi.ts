import { z } from 'zod';
import { type GraphApiLimits, graphApiSchemas, graphSchemaNames } from './graph-api.schemas';

/** Where the API lives under the HTTP root (Graph clients take `<Parley>/api` as their base URL, `v1.0` as the version). */
export const GRAPH_API_ROOT = '/api/v1.0';

/**
 * The OpenAPI 3.1 document of the API, generated from the zod schemas requests are validated
 * with (zod's JSON Schema output is draft 2020-12, OpenAPI 3.1's dialect).
 */
export function graphOpenApiDocument(limits: GraphApiLimits, version: string): Record<string, unknown> {
  const schemas = graphApiSchemas(limits);
  const registry = z.registry<{ id: string }>();
  const names = new Map<z.ZodType, string>();
  for (const [key, schema] of Object.entries(schemas) as [keyof typeof schemas, z.ZodType][]) {
    registry.add(schema, { id: graphSchemaNames[key] });
    names.set(schema, graphSchemaNames[key]);
  }
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
      title: 'Parley presence (Microsoft Graph-compatible)',
      version,
      description:
        "Presence in Microsoft Graph v1.0's shapes: Graph clients work with their base URL set to `<Parley>/api`. Sign in with Basic (SMTP address and password) or a Parley bearer token.",
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
