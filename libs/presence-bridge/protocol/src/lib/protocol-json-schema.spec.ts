import { readFileSync } from 'node:fs';
import path from 'node:path';
import { presenceProtocolJsonSchema } from './protocol-json-schema';

const repoRoot = path.resolve(__dirname, '../../../../..');
const FIX = 'run `node tools/presence-protocol-schema.mjs` and commit docs/presence-protocol.schema.json';

describe('docs/presence-protocol.schema.json', () => {
  it('is what the zod schemas generate', () => {
    const checkedIn: unknown = JSON.parse(readFileSync(path.join(repoRoot, 'docs/presence-protocol.schema.json'), 'utf8'));
    expect({ schema: checkedIn, fix: FIX }).toEqual({ schema: presenceProtocolJsonSchema(), fix: FIX });
  });

  it('describes every message type each way, and every reference resolves', () => {
    const schema = presenceProtocolJsonSchema() as { $defs: Record<string, { oneOf?: { properties: { type: { const: string } } }[] }> };
    const types = (name: string) => (schema.$defs[name].oneOf ?? []).map((variant) => variant.properties.type.const);
    expect(types('ClientMessage')).toEqual(expect.arrayContaining(['ping', 'subscribe', 'set-state', 'send-im', 'typing', 'block']));
    expect(types('ServerMessage')).toEqual(
      expect.arrayContaining(['hello', 'snapshot', 'presence', 'message-waiting', 'im', 'im-delivered', 'im-failed', 'error']),
    );
    const refs = [...JSON.stringify(schema).matchAll(/"\$ref":"#\/\$defs\/([^"]+)"/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(Object.keys(schema.$defs)).toContain(ref);
  });
});
