import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ParsedInboundMail } from './inbound-mail';
import { parseInboundMail } from './parse-inbound-mail';

// Every test/fixtures/<name>.eml beside its <name>.expected.json: the facts a reader of the mail would name.
const fixtures = join(__dirname, '..', '..', 'test', 'fixtures');

interface ExpectedAudio {
  filename: string;
  contentType: string;
  size: number;
}

interface Expected {
  options: { defaultRegion: string | null };
  itemClass: string;
  subject?: string;
  importance?: ParsedInboundMail['importance'];
  sentAt?: string | null;
  internetMessageId?: string | null;
  from?: { address: string; name: string | null } | null;
  body?: null;
  bodyType?: 'HTML' | 'Text';
  bodyIncludes?: string;
  headerIncludes?: { name: string; value: string };
  attachmentCount?: number;
  voicemail: (Record<string, unknown> & { audio: ExpectedAudio | null }) | null;
  missedCall?: Record<string, unknown>;
  /** Each must be part of some defect; an empty list means the mail must have none. */
  defects: string[];
}

const names = readdirSync(fixtures)
  .filter((file) => file.endsWith('.eml'))
  .map((file) => file.slice(0, -'.eml'.length))
  .sort();

describe('the voicemail fixture corpus', () => {
  it('has a fixture for each format and each kind of bad input', () => {
    expect(names.length).toBeGreaterThanOrEqual(20);
  });

  it.each(names)('%s is parsed to its expected facts', async (name) => {
    const raw = readFileSync(join(fixtures, `${name}.eml`));
    const expected = JSON.parse(readFileSync(join(fixtures, `${name}.expected.json`), 'utf8')) as Expected;

    const mail = await parseInboundMail(raw, expected.options);

    expect(mail.itemClass).toBe(expected.itemClass);
    if (expected.subject !== undefined) expect(mail.subject).toBe(expected.subject);
    if (expected.importance !== undefined) expect(mail.importance).toBe(expected.importance);
    if (expected.sentAt !== undefined) expect(mail.sentAt?.toISOString() ?? null).toBe(expected.sentAt);
    if (expected.internetMessageId !== undefined) expect(mail.internetMessageId).toBe(expected.internetMessageId);
    if (expected.from !== undefined) expect(mail.from).toEqual(expected.from);
    if (expected.body !== undefined) expect(mail.body).toBeNull();
    if (expected.bodyType !== undefined) expect(mail.body?.type).toBe(expected.bodyType);
    if (expected.bodyIncludes !== undefined) expect(mail.body?.content).toContain(expected.bodyIncludes);
    if (expected.headerIncludes !== undefined) expect(mail.headers).toContainEqual(expected.headerIncludes);
    if (expected.attachmentCount !== undefined) expect(mail.attachments).toHaveLength(expected.attachmentCount);
    if (expected.missedCall !== undefined) expect(mail.missedCall).toEqual(expected.missedCall);

    if (expected.voicemail === null) {
      expect(mail.voicemail).toBeNull();
    } else {
      const { audio, ...facts } = expected.voicemail;
      expect(mail.voicemail).toMatchObject(facts);
      const index = mail.voicemail?.audioAttachmentIndex ?? null;
      const recording = index === null ? null : mail.attachments[index];
      expect(
        recording ? { filename: recording.filename, contentType: recording.contentType, size: recording.content.length } : null,
      ).toEqual(audio);
    }

    if (expected.defects.length === 0) {
      expect(mail.defects).toEqual([]);
    } else {
      for (const defect of expected.defects) {
        expect(mail.defects.some((d) => d.includes(defect))).toBe(true);
      }
    }
  });

  // Large base64 bodies are decoded natively instead of by mailparser; with the threshold at one byte
  // every base64 body of the corpus (bad ones included) takes that path, and must give the same mail.
  it.each(names)('%s is parsed the same with its base64 bodies decoded natively', async (name) => {
    const raw = readFileSync(join(fixtures, `${name}.eml`));
    const { options } = JSON.parse(readFileSync(join(fixtures, `${name}.expected.json`), 'utf8')) as Expected;

    const natively = await parseInboundMail(raw, { ...options, elideBodiesFrom: 1 });
    const byParser = await parseInboundMail(raw, { ...options, elideBodiesFrom: Number.POSITIVE_INFINITY });

    expect(natively).toEqual(byParser);
  });
});
