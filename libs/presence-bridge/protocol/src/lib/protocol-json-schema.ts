import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { clientMessageSchema, PROTOCOL_VERSION } from './client-messages';
import { CloseCodes, CloseReasons, errorCodes } from './protocol-codes';
import { serverMessageSchema } from './server-messages';

type JsonSchema = Record<string, unknown>;

/**
 * The machine-readable description of the protocol: JSON Schema (2020-12) of every message each
 * way, generated from the zod schemas the server validates with. docs/presence-protocol.schema.json
 * is this, written by `node tools/presence-protocol-schema.mjs`; a unit test keeps the two equal.
 * `#/$defs/ClientMessage` is what a client may send, `#/$defs/ServerMessage` what it receives.
 */
export function presenceProtocolJsonSchema(): JsonSchema {
  // Client messages as the server reads them (input form: addresses before lower-casing).
  const client = z.toJSONSchema(clientMessageSchema, { io: 'input', target: 'draft-2020-12' }) as JsonSchema;
  const server = z.toJSONSchema(serverMessageSchema, { io: 'output', target: 'draft-2020-12' }) as JsonSchema;
  const defs: Record<string, JsonSchema> = {};
  // Shared parts (meta ids) are referenced as `#/$defs/<id>` from both: hoist them to the document's $defs.
  for (const part of [client, server]) {
    for (const [id, schema] of Object.entries((part.$defs ?? {}) as Record<string, JsonSchema>)) {
      if (id in defs && !isDeepStrictEqual(defs[id], schema)) throw new Error(`$defs.${id} differs between client and server messages`);
      defs[id] = schema;
    }
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://parley.invalid/schemas/presence-protocol.v1.json',
    title: 'Parley presence WebSocket protocol',
    description:
      'JSON text messages on GET /presence (docs/presence-protocol.md). Unknown fields are ignored; a client should ignore message types it does not know.',
    'x-protocol-version': PROTOCOL_VERSION,
    'x-error-codes': errorCodes,
    'x-close-codes': CloseCodes,
    'x-close-reasons': CloseReasons,
    $defs: { ClientMessage: body(client), ServerMessage: body(server), ...defs },
  };
}

function body(schema: JsonSchema): JsonSchema {
  const { $schema: _schema, $defs: _defs, ...rest } = schema;
  return rest;
}
