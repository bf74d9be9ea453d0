import { readFileSync } from 'node:fs';
import path from 'node:path';
import { voicemailDropMetadataJsonSchema, voicemailDropMetadataSchema } from './voicemail-drop.metadata';

describe('the drop metadata', () => {
  it('docs/voicemail-http-drop.md shows the schema the drop validates with (patterns left out)', () => {
    const docs = readFileSync(path.resolve(__dirname, '../../../../../docs/voicemail-http-drop.md'), 'utf8');
    const block = /```json\n(\{\n\s+"\$schema"[\s\S]*?)\n```/.exec(docs);
    expect(block).not.toBeNull();
    const generated = JSON.parse(
      JSON.stringify(voicemailDropMetadataJsonSchema(20), (key, value: unknown) => (key === 'pattern' ? undefined : value)),
    );
    expect(JSON.parse(block?.[1] ?? '{}')).toEqual(generated);
  });

  it('accepts the documented minimum and refuses unknown fields and bad values', () => {
    const schema = voicemailDropMetadataSchema(2);
    expect(schema.safeParse({ recipients: ['a@x.test'], durationSeconds: 0 }).success).toBe(true);
    expect(schema.safeParse({ recipients: ['a@x.test'], durationSeconds: 3, receivedAt: '2026-12-01T09:30:00+01:00' }).success).toBe(true);
    for (const bad of [
      { recipients: [], durationSeconds: 1 },
      { recipients: ['a@x.test', 'b@x.test', 'c@x.test'], durationSeconds: 1 },
      { recipients: ['a@x.test'], durationSeconds: 1.5 },
      { recipients: ['a@x.test'], durationSeconds: 1, receivedAt: '2026-12-01 09:30' },
      { recipients: ['a@x.test'], durationSeconds: 1, callerNumber: '' },
      { recipients: ['a@x.test'], durationSeconds: 1, caller_number: '123' },
    ]) {
      expect(schema.safeParse(bad).success).toBe(false);
    }
  });
});
