import { MailboxDeliveryError } from '@parley/voicemail-ingest/feature-mailbox';
import { simpleParser } from 'mailparser';
import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { DataSource } from 'typeorm';
import { inMemoryDelivery } from '../../test/in-memory-mailbox-delivery';
import { dropTestOptions, type DropTestBed, MAX_FAILED_KEYS_PER_ADDRESS, startDropTestBed } from '../../test/voicemail-drop-test-bed';

// The HTTP voicemail drop with a real HTTP client (Node's fetch and FormData), real keys on
// PostgreSQL, the shared sign-in throttle, and an in-memory mailbox store behind the delivery port.

const ALICE = 'alice@drop.test';
const BOB = 'bob@drop.test';

/** A tiny but real WAV: a RIFF header and some silence. */
function wav(bytes = 4000): Buffer {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + bytes, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(8000, 24);
  header.writeUInt32LE(16000, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(bytes, 40);
  return Buffer.concat([header, randomBytes(bytes)]);
}

const metadata = (overrides: Record<string, unknown> = {}) => ({
  recipients: [ALICE],
  callerNumber: '+4930123456',
  callerName: 'Bob Caller',
  durationSeconds: 42,
  ...overrides,
});

function form(
  opts: { audio?: Buffer | null; audioType?: string; filename?: string; metadata?: unknown; extra?: [string, string][] } = {},
): FormData {
  const body = new FormData();
  const meta = opts.metadata === undefined ? metadata() : opts.metadata;
  if (meta !== null) body.append('metadata', typeof meta === 'string' ? meta : JSON.stringify(meta));
  if (opts.audio !== null) {
    body.append('audio', new Blob([opts.audio ?? wav()], { type: opts.audioType ?? 'audio/wav' }), opts.filename ?? 'msg0001.wav');
  }
  for (const [name, value] of opts.extra ?? []) body.append(name, value);
  return body;
}

interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  recipients?: string[];
  errors?: { pointer: string; detail: string }[];
}

async function expectProblem(response: Response, status: number, code: string): Promise<Problem> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  const problem = (await response.json()) as Problem;
  expect(problem).toMatchObject({ type: `urn:parley:problem:voicemail-drop:${code}`, status });
  expect(problem.title.length).toBeGreaterThan(0);
  return problem;
}

describe('POST /api/v1.0/voicemail (the HTTP voicemail drop)', () => {
  let bed: DropTestBed;
  let key: string;
  let address = 0;
  /** A client address of its own for each request, so the throttle spec's failures stay its own. */
  const from = () => `198.51.100.${(address += 1)}`;

  const post = (body: RequestInit['body'], headers: Record<string, string> = {}, bearer: string | null = key) =>
    fetch(bed.url, {
      method: 'POST',
      body,
      headers: { 'X-Forwarded-For': from(), ...(bearer === null ? {} : { Authorization: `Bearer ${bearer}` }), ...headers },
      // A streamed body (no Content-Length) needs it.
      ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
    } as RequestInit);

  beforeAll(async () => {
    bed = await startDropTestBed();
    key = (await bed.keys.issue('asterisk-spec')).key;
  });

  afterAll(async () => {
    await bed?.close();
  });

  beforeEach(() => {
    inMemoryDelivery.reset();
    inMemoryDelivery.mailboxes.add(ALICE).add(BOB);
  });

  it('201 with the stored items; the store gets one Exchange UM voicemail mail by the http-drop channel', async () => {
    const audio = wav(12_000);
    const response = await post(
      form({
        audio,
        metadata: metadata({
          recipients: ['Alice@Drop.test', BOB, 'alice@drop.test'],
          receivedAt: '2026-12-01T09:30:00+01:00',
          transcription: 'Hi Alice, call me back.',
        }),
      }),
    );
    expect(response.status).toBe(201);
    const result = (await response.json()) as { dropId: string; items: { mailbox: string; itemId: string }[] };
    expect(result.items.map((i) => i.mailbox)).toEqual([ALICE, BOB]);
    expect(inMemoryDelivery.delivered).toHaveLength(1);
    const [{ mail, receipt }] = inMemoryDelivery.delivered;
    expect(result.items.map((i) => i.itemId)).toEqual(receipt.deliveries.map((d) => d.itemId));
    expect(mail).toMatchObject({ channel: 'http-drop', envelopeFrom: null, recipients: [ALICE, BOB], submittedBy: null });
    expect(mail.raw.toString('latin1')).toMatch(
      /^Received: from asterisk-spec \(\[198\.51\.100\.\d+\]\) by parley voicemail-ingest with HTTP id /,
    );

    const parsed = await simpleParser(mail.raw);
    expect(parsed.headers.get('content-class')).toBe('voice-uc');
    expect(parsed.headers.get('x-callingtelephonenumber')).toBe('+4930123456');
    expect(parsed.headers.get('x-voicemessagesendername')).toBe('Bob Caller');
    expect(parsed.headers.get('x-voicemessageduration')).toBe('42');
    expect(parsed.headers.get('x-attachmentorder')).toBe('msg0001.wav');
    expect(parsed.subject).toBe('Voice Mail from Bob Caller (42 seconds)');
    expect(parsed.date?.toISOString()).toBe('2026-12-01T08:30:00.000Z');
    expect(parsed.text?.trim()).toBe('Hi Alice, call me back.');
    expect(parsed.attachments).toHaveLength(1);
    expect(parsed.attachments[0]).toMatchObject({ filename: 'msg0001.wav', contentType: 'audio/wav' });
    expect(parsed.attachments[0].content.equals(audio)).toBe(true);

    const [stored] = (await bed.keys.list()).filter((k) => k.name === 'asterisk-spec');
    expect(stored.lastUsedAt).not.toBeNull();
  });

  it('an unknown caller and no transcription: "Unknown caller", no caller headers; octet-stream audio typed by its extension', async () => {
    const response = await post(
      form({
        audioType: 'application/octet-stream',
        filename: 'C:\\spool\\vm-7.mp3',
        metadata: metadata({ callerNumber: null, callerName: undefined, durationSeconds: 1 }),
      }),
    );
    expect(response.status).toBe(201);
    const parsed = await simpleParser(inMemoryDelivery.delivered[0].mail.raw);
    expect(parsed.subject).toBe('Voice Mail from Unknown caller (1 second)');
    expect(parsed.headers.has('x-callingtelephonenumber')).toBe(false);
    expect(parsed.attachments[0]).toMatchObject({ filename: 'vm-7.mp3', contentType: 'audio/mpeg' });
  });

  it('401 without a key or with a wrong one, 403 with a revoked one; nothing is read or stored', async () => {
    const none = await expectProblem(await post(form(), {}, null), 401, 'missing-credentials');
    expect(none.detail).toContain('Bearer');
    const basic = await post(form(), { Authorization: 'Basic YTpi' }, null);
    await expectProblem(basic, 401, 'missing-credentials');
    expect(basic.headers.get('www-authenticate')).toMatch(/^Bearer /);
    await expectProblem(await post(form(), {}, 'pvk_' + 'x'.repeat(43)), 401, 'invalid-key');
    await expectProblem(await post(form(), {}, 'not-even-a-key'), 401, 'invalid-key');

    const revoked = await bed.keys.issue('freeswitch-old');
    expect(await bed.keys.revoke('FreeSWITCH-old')).toMatchObject({ name: 'freeswitch-old' });
    await expectProblem(await post(form(), {}, revoked.key), 403, 'revoked-key');
    expect(inMemoryDelivery.delivered).toEqual([]);
  });

  it('429 from the shared sign-in throttle after too many bad keys from one address; other addresses unaffected', async () => {
    const guesser = '203.0.113.66';
    for (let i = 0; i < MAX_FAILED_KEYS_PER_ADDRESS; i++) {
      await expectProblem(
        await post(form(), { 'X-Forwarded-For': guesser }, `pvk_${randomBytes(32).toString('base64url')}`),
        401,
        'invalid-key',
      );
    }
    const refused = await post(form(), { 'X-Forwarded-For': guesser }, key);
    await expectProblem(refused, 429, 'throttled');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await post(form())).status).toBe(201);
  });

  it('415 for a body that is not multipart/form-data, and for an audio part that is not audio', async () => {
    await expectProblem(await post(JSON.stringify(metadata()), { 'Content-Type': 'application/json' }), 415, 'unsupported-media-type');
    await expectProblem(await post(form({ audioType: 'text/plain', filename: 'notes.txt' })), 415, 'unsupported-media-type');
    await expectProblem(await post(form({ audioType: 'application/octet-stream', filename: 'data.bin' })), 415, 'unsupported-media-type');
  });

  it('400 for bad JSON, metadata off its schema, a missing or repeated part, empty audio, too many recipients', async () => {
    const badJson = await expectProblem(await post(form({ metadata: '{"recipients": [' })), 400, 'invalid-metadata');
    expect(badJson.detail).toMatch(/not valid JSON/);
    const offSchema = await expectProblem(
      await post(form({ metadata: { recipients: ['not an address'], durationSeconds: -1, caller_number: '123' } })),
      400,
      'invalid-metadata',
    );
    expect(offSchema.errors?.map((e) => e.pointer).sort()).toEqual(['/', '/durationSeconds', '/recipients/0']);
    await expectProblem(await post(form({ audio: null })), 400, 'malformed-request');
    await expectProblem(await post(form({ metadata: null })), 400, 'malformed-request');
    await expectProblem(await post(form({ extra: [['metadata', JSON.stringify(metadata())]] })), 400, 'malformed-request');
    await expectProblem(await post(form({ audio: Buffer.alloc(0) })), 400, 'malformed-request');
    const many = await expectProblem(
      await post(form({ metadata: metadata({ recipients: ['a@drop.test', 'b@drop.test', 'c@drop.test', 'd@drop.test'] }) })),
      400,
      'too-many-recipients',
    );
    expect(many.detail).toContain(`at most ${dropTestOptions.maxRecipients}`);
    expect(inMemoryDelivery.delivered).toEqual([]);
  });

  it('413 for audio over the limit (declared length, and streamed without one), metadata over its limit, too many parts', async () => {
    const declared = await post(form({ audio: wav(dropTestOptions.maxAudioBytes * 3) }));
    await expectProblem(declared, 413, 'payload-too-large');

    // Just over the audio limit but under the declared-length bound: refused while reading.
    await expectProblem(await post(form({ audio: wav(dropTestOptions.maxAudioBytes) })), 413, 'payload-too-large');

    // Chunked (no Content-Length): refused as the bytes pass the limit.
    const big = form({ audio: wav(dropTestOptions.maxAudioBytes * 2) });
    const encoded = new Response(big);
    const streamed = await post(encoded.body, { 'Content-Type': encoded.headers.get('content-type') ?? '' });
    await expectProblem(streamed, 413, 'payload-too-large');

    await expectProblem(
      await post(form({ metadata: metadata({ transcription: 'x'.repeat(dropTestOptions.maxMetadataBytes) }) })),
      413,
      'payload-too-large',
    );
    const parts = form({
      extra: [
        ['a', '1'],
        ['b', '2'],
        ['c', '3'],
      ],
    });
    await expectProblem(await post(parts), 413, 'payload-too-large');
    // Within the limit, parts of the PBX's own are skipped.
    expect((await post(form({ extra: [['event', 'voicemail.new']] }))).status).toBe(201);
    inMemoryDelivery.delivered.length = 0;
    expect(inMemoryDelivery.delivered).toEqual([]);
    // The server is still well: the next drop goes through.
    expect((await post(form())).status).toBe(201);
  });

  it('404 for a recipient that is no Parley mailbox, naming it; nothing stored for the known ones either', async () => {
    const problem = await expectProblem(
      await post(form({ metadata: metadata({ recipients: [ALICE, 'nobody@drop.test'] }) })),
      404,
      'unknown-mailbox',
    );
    expect(problem.recipients).toEqual(['nobody@drop.test']);
    expect(inMemoryDelivery.delivered).toEqual([]);
  });

  it('507 when a mailbox is full; 503 with Retry-After when the store fails, temporarily or otherwise', async () => {
    inMemoryDelivery.full.add(BOB);
    const full = await expectProblem(await post(form({ metadata: metadata({ recipients: [ALICE, BOB] }) })), 507, 'over-quota');
    expect(full.recipients).toEqual([BOB]);

    inMemoryDelivery.failNext = new MailboxDeliveryError('temporary', 'database restarting');
    const temporary = await post(form());
    await expectProblem(temporary, 503, 'unavailable');
    expect(temporary.headers.get('retry-after')).toBe('30');

    inMemoryDelivery.failNext = new Error('disk on fire');
    const broken = await expectProblem(await post(form()), 503, 'unavailable');
    expect(broken.detail).not.toContain('disk');
    expect(inMemoryDelivery.delivered).toEqual([]);
  });

  it('405 with Allow: POST for other methods on the path', async () => {
    const response = await fetch(bed.url, { method: 'GET' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
  });

  it('a large upload refused before its body is read still reaches the client as the answer, not a reset', async () => {
    const large = wav(30 * 1024 * 1024);
    for (const [bearer, status] of [
      [null, 401],
      ['pvk_' + 'y'.repeat(43), 401],
      [key, 413],
    ] as const) {
      const response = await post(form({ audio: large }), {}, bearer);
      expect(response.status).toBe(status);
      expect(response.headers.get('connection')).toBe('close');
      await response.arrayBuffer();
    }
  });

  it('a refused upload closes its connection instead of reading the body', async () => {
    const status = await new Promise<{ status: number; connection: string | undefined }>((resolve, reject) => {
      const req = httpRequest(bed.url, {
        method: 'POST',
        headers: { 'Content-Type': 'multipart/form-data; boundary=x', 'Content-Length': String(50 * 1024 * 1024) },
      });
      req.on('response', (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, connection: res.headers.connection });
      });
      req.on('error', reject);
      req.write(Buffer.alloc(1024));
    });
    expect(status).toEqual({ status: 401, connection: 'close' });
  });
});

describe('PBX API keys on PostgreSQL', () => {
  let bed: DropTestBed;
  const RATE = 3;
  const post = (target: DropTestBed, body: FormData, bearer: string) =>
    fetch(target.url, { method: 'POST', body, headers: { Authorization: `Bearer ${bearer}` } });

  beforeAll(async () => {
    bed = await startDropTestBed({ requestsPerMinute: RATE });
    inMemoryDelivery.reset();
    inMemoryDelivery.mailboxes.add(ALICE);
  });

  afterAll(async () => {
    await bed?.close();
  });

  it('stores only the SHA-256 of a key; names are unique among keys in use; revoke by id or name', async () => {
    const issued = await bed.keys.issue('asterisk-berlin');
    expect(issued.key).toMatch(/^pvk_[A-Za-z0-9_-]{43}$/);
    await expect(bed.keys.issue('Asterisk-Berlin')).rejects.toThrow(/in use/);
    const source = new DataSource({ type: 'postgres', url: bed.databaseUrl });
    await source.initialize();
    try {
      const rows: { id: string; key_hash: Buffer }[] = await source.query(`SELECT * FROM voicemail_ingest.pbx_api_key`);
      expect(JSON.stringify(rows)).not.toContain(issued.key.slice(4));
      expect(rows[0].key_hash.equals(createHash('sha256').update(issued.key).digest())).toBe(true);
    } finally {
      await source.destroy();
    }
    expect(await bed.keys.check(issued.key)).toMatchObject({ status: 'valid' });
    expect(await bed.keys.revoke(issued.stored.id)).toMatchObject({ name: 'asterisk-berlin' });
    expect(await bed.keys.revoke(issued.stored.id)).toBeNull();
    expect(await bed.keys.check(issued.key)).toMatchObject({ status: 'revoked' });
    // The name is free again once its key is revoked.
    expect((await bed.keys.issue('asterisk-berlin')).stored.name).toBe('asterisk-berlin');
    // Oldest first: the revoked one, then its successor.
    expect((await bed.keys.list()).map((k) => [k.name, k.revokedAt === null])).toEqual([
      ['asterisk-berlin', false],
      ['asterisk-berlin', true],
    ]);
  });

  it('429 past the per-key rate, with Retry-After; another key is unaffected', async () => {
    const { key: busy } = await bed.keys.issue('looping-pbx');
    for (let i = 0; i < RATE; i++) expect((await post(bed, form(), busy)).status).toBe(201);
    const limited = await post(bed, form(), busy);
    await expectProblem(limited, 429, 'rate-limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await post(bed, form(), (await bed.keys.issue('quiet-pbx')).key)).status).toBe(201);
  });
});
