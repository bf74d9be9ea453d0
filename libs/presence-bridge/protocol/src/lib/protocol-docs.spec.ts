import { readFileSync } from 'node:fs';
import path from 'node:path';
import { clientMessageSchema } from './client-messages';
import { serverMessageSchema } from './server-messages';

// Every example on docs/presence-protocol.md is a message one side may send, exactly as written:
// valid against the client's or the server's schema, with no field the schema would drop or change.

const repoRoot = path.resolve(__dirname, '../../../../..');
const doc = readFileSync(path.join(repoRoot, 'docs/presence-protocol.md'), 'utf8');
const examples = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]);

describe('docs/presence-protocol.md examples', () => {
  it('has examples of every kind of message it describes', () => {
    const types = new Set(examples.map((text) => (JSON.parse(text) as { type: string }).type));
    for (const type of [
      'hello',
      'subscribe',
      'snapshot',
      'presence',
      'set-state',
      'settings',
      'send-im',
      'im-delivered',
      'im-failed',
      'im',
    ]) {
      expect(types).toContain(type);
    }
    for (const type of ['typing', 'message-waiting', 'ping', 'pong', 'error', 'contacts', 'group', 'blocks', 'activity']) {
      expect(types).toContain(type);
    }
  });

  it.each(examples.map((text, index) => [index + 1, text] as const))('example %i is a valid message as written', (_index, text) => {
    const example: unknown = JSON.parse(text);
    const asClient = clientMessageSchema.safeParse(example);
    const asServer = serverMessageSchema.safeParse(example);
    const read = [asClient, asServer].filter((r) => r.success).map((r) => r.data);
    expect({ example, valid: read.length > 0 }).toEqual({ example, valid: true });
    expect(read).toContainEqual(example);
  });
});
