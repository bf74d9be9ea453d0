import { VOICEMAIL_ITEM_CLASS } from '@parley/contracts';
import { DEFAULT_MAIL_PARSING_LIMITS } from './inbound-mail';
import { parseInboundMail } from './parse-inbound-mail';

const options = { defaultRegion: null };

function mail(lines: string[]): Buffer {
  return Buffer.from(lines.join('\r\n'), 'latin1');
}

function wrapBase64(bytes: Buffer): string {
  return bytes.toString('base64').replace(/.{76}/g, '$&\r\n');
}

describe('parseInboundMail on oversized and hostile input', () => {
  it('takes a 30 MB recording whole, byte for byte, in linear time', async () => {
    const audio = Buffer.alloc(30 * 1024 * 1024);
    for (let i = 0; i < audio.length; i += 4096) audio[i] = i % 251;
    const raw = Buffer.concat([
      mail([
        'From: "Big Caller" <pbx@example.org>',
        'Subject: Voice Mail from Big Caller (1800 seconds)',
        'Date: Thu, 03 Dec 2026 08:00:00 +0000',
        'Message-ID: <big@example.org>',
        'Content-Type: multipart/mixed; boundary="big"',
        '',
        '--big',
        'Content-Type: audio/wav; name="long.wav"',
        'Content-Transfer-Encoding: base64',
        '',
        '',
      ]),
      Buffer.from(wrapBase64(audio), 'latin1'),
      Buffer.from('\r\n--big--\r\n', 'latin1'),
    ]);

    const started = process.hrtime.bigint();
    const parsed = await parseInboundMail(raw, options);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;

    expect(parsed.itemClass).toBe(VOICEMAIL_ITEM_CLASS);
    expect(parsed.voicemail).toMatchObject({ source: 'audio-attachment', callerName: 'Big Caller', durationSeconds: 1800 });
    const recording = parsed.attachments[parsed.voicemail?.audioAttachmentIndex ?? -1];
    expect(recording?.content.length).toBe(audio.length);
    expect(recording?.content.equals(audio)).toBe(true);
    expect(parsed.defects).toEqual([]);
    // Generous for a shared 2-core machine; a quadratic copy of 40 MB of base64 would take minutes.
    expect(seconds).toBeLessThan(30);
  }, 60_000);

  it('keeps the first maxHeaderFields of a mail with 200,000 header fields and still reads its body', async () => {
    const filler = Array.from({ length: 200_000 }, (_, i) => `X-Filler-${i}: v`);
    const raw = mail(['Subject: many fields', ...filler, 'Content-Type: text/plain; charset=utf-8', '', 'still here', '']);

    const parsed = await parseInboundMail(raw, options);

    expect(parsed.headers).toHaveLength(DEFAULT_MAIL_PARSING_LIMITS.maxHeaderFields);
    expect(parsed.headers[0]).toEqual({ name: 'Subject', value: 'many fields' });
    expect(parsed.subject).toBe('many fields');
    expect(parsed.body?.content.trim()).toBe('still here');
    expect(parsed.truncated).toBe(true);
    expect(parsed.defects.some((d) => d.includes('200002 header fields, over the limit of 1000'))).toBe(true);
  });

  it('drops header fields past maxHeaderBytes', async () => {
    const raw = mail(['Subject: big fields', `X-Huge: ${'a'.repeat(2000)}`, 'X-After: b', '', 'body', '']);

    const parsed = await parseInboundMail(raw, { ...options, limits: { maxHeaderBytes: 1000 } });

    expect(parsed.headers.map((h) => h.name)).toEqual(['Subject']);
    expect(parsed.body?.content.trim()).toBe('body');
    expect(parsed.truncated).toBe(true);
    expect(parsed.defects.some((d) => d.includes('over the limit of 1000'))).toBe(true);
  });

  it('cuts multipart nesting deeper than maxMultipartDepth and keeps what came before', async () => {
    const depth = 3000;
    const head: string[] = [
      'Subject: deep',
      'Content-Type: multipart/mixed; boundary=b0',
      '',
      '--b0',
      'Content-Type: text/plain',
      '',
      'outer text',
      '--b0',
    ];
    for (let i = 1; i < depth; i += 1) head.push(`Content-Type: multipart/mixed; boundary=b${i}`, '', `--b${i}`);
    const tail: string[] = [];
    for (let i = depth - 1; i >= 0; i -= 1) tail.push(`--b${i}--`);
    const raw = mail([...head, 'Content-Type: text/plain', '', 'innermost', ...tail, '']);

    const parsed = await parseInboundMail(raw, options);

    expect(parsed.subject).toBe('deep');
    expect(parsed.body?.content).toContain('outer text');
    expect(parsed.body?.content).not.toContain('innermost');
    expect(parsed.truncated).toBe(true);
    expect(parsed.defects.some((d) => d.includes(`deeper than the limit of ${DEFAULT_MAIL_PARSING_LIMITS.maxMultipartDepth}`))).toBe(true);
  });

  it('counts attached messages towards the depth limit', async () => {
    const wrapped = Array.from({ length: 2000 }, (_, i) => [`Subject: level ${i}`, 'Content-Type: message/rfc822', '']).flat();
    const raw = mail(['Subject: forwarded', 'Content-Type: message/rfc822', '', ...wrapped, 'Subject: innermost', '', 'text', '']);

    const parsed = await parseInboundMail(raw, options);

    expect(parsed.subject).toBe('forwarded');
    expect(parsed.truncated).toBe(true);
    expect(parsed.defects.some((d) => d.includes('deeper than the limit'))).toBe(true);
  });

  it('cuts a mail with more parts than maxParts', async () => {
    const parts = Array.from({ length: 20 }, (_, i) => ['--p', 'Content-Type: text/plain', '', `part ${i}`]).flat();
    const raw = mail(['Subject: parts', 'Content-Type: multipart/mixed; boundary=p', '', ...parts, '--p--', '']);

    const parsed = await parseInboundMail(raw, { ...options, limits: { maxParts: 5 } });

    expect(parsed.body?.content).toContain('part 4');
    expect(parsed.body?.content).not.toContain('part 5');
    expect(parsed.defects.some((d) => d.includes('more than 5 MIME parts'))).toBe(true);
  });

  it('does not rescan a large mail for boundaries that never occur in its many parts', async () => {
    const parts = Array.from({ length: 400 }, (_, i) => [
      '--s',
      `Content-Type: multipart/mixed; boundary=missing${i}`,
      '',
      'no parts here',
    ]).flat();
    const filler = 'x'.repeat(76) + '\r\n';
    const raw = Buffer.concat([
      mail(['Subject: sparse', 'Content-Type: multipart/mixed; boundary=s', '', ...parts, '--s', 'Content-Type: text/plain', '', '']),
      Buffer.from(filler.repeat(260_000), 'latin1'),
      Buffer.from('--s--\r\n', 'latin1'),
    ]);

    const started = process.hrtime.bigint();
    const parsed = await parseInboundMail(raw, options);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;

    expect(parsed.defects.filter((d) => d.includes('never occurs'))).toHaveLength(400);
    expect(seconds).toBeLessThan(20);
  }, 60_000);

  it('recognises in bounded time whatever the subject and body hold', async () => {
    const subject = `Voicemail from ${'1 '.repeat(40_000)}x${' '.repeat(40_000)}`;
    const body = `From:${'\t'.repeat(50_000)}x\r\nDuration:${' 1'.repeat(50_000)}\r\nAccount: a@b\r\n`;
    const raw = mail([`Subject: ${subject}`, 'X-Voicemail-Length: 3', '', body]);

    const started = process.hrtime.bigint();
    const parsed = await parseInboundMail(raw, options);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;

    expect(parsed.voicemail?.source).toBe('freeswitch');
    expect(parsed.voicemail?.durationSeconds).toBe(3);
    expect(seconds).toBeLessThan(10);
  }, 60_000);

  it('stores empty input as an empty message with defects', async () => {
    const parsed = await parseInboundMail(Buffer.alloc(0), options);

    expect(parsed).toMatchObject({ subject: '', from: null, body: null, attachments: [], itemClass: 'IPM.Note', voicemail: null });
    expect(parsed.defects[0]).toContain('empty input');
  });

  it('keeps a parser failure to a message without body, with the reason in defects', async () => {
    // A nested part's header section past mailparser's own 1 MB limit, under a raised maxHeaderBytes.
    const huge = `X-Huge: ${'a'.repeat(1_100_000)}`;
    const raw = mail([
      'Subject: nested giant',
      'Content-Type: multipart/mixed; boundary=g',
      '',
      '--g',
      huge,
      'Content-Type: text/plain',
      '',
      'text',
      '--g--',
      '',
    ]);

    const parsed = await parseInboundMail(raw, { ...options, limits: { maxHeaderBytes: 4 * 1024 * 1024 } });

    expect(parsed.subject).toBe('nested giant');
    expect(parsed.body).toBeNull();
    expect(parsed.defects.some((d) => d.startsWith('MIME parser gave up'))).toBe(true);
  });

  it('cuts at a nested part whose header section is over the limits instead of failing', async () => {
    const huge = `X-Huge: ${'a'.repeat(1_100_000)}`;
    const raw = mail([
      'Subject: nested giant',
      'Content-Type: multipart/mixed; boundary=g',
      '',
      '--g',
      'Content-Type: text/plain',
      '',
      'first',
      '--g',
      huge,
      '',
      'x',
      '--g--',
      '',
    ]);

    const parsed = await parseInboundMail(raw, options);

    expect(parsed.body?.content).toContain('first');
    expect(parsed.defects.some((d) => d.includes("a MIME part's header section is over the limits"))).toBe(true);
  });
});

describe('parseInboundMail on everyday mail', () => {
  it('decodes a Windows-1252 body', async () => {
    const raw = Buffer.concat([
      mail([
        'From: a@example.org',
        'Subject: price',
        'Content-Type: text/plain; charset=windows-1252',
        'Content-Transfer-Encoding: 8bit',
        '',
        '',
      ]),
      Buffer.from([0x80, 0x20, 0x31, 0x30, 0x20, 0x93, 0x71, 0x94]),
    ]);
    const parsed = await parseInboundMail(raw, options);
    expect(parsed.body?.content).toBe('€ 10 “q”');
  });

  it('does not take a mailing-list mail that mentions FreeSWITCH for voicemail', async () => {
    const raw = mail([
      'From: "FreeSWITCH users" <users@lists.example.org>',
      'Subject: Voicemail from a SIP trunk?',
      '',
      'How do I set this up?',
      '',
    ]);
    const parsed = await parseInboundMail(raw, options);
    expect(parsed.itemClass).toBe('IPM.Note');
    expect(parsed.voicemail).toBeNull();
  });
});

describe('parseInboundMail importance', () => {
  it.each([
    ['Importance: Low', 'Low'],
    ['X-Priority: 1 (Highest)', 'High'],
    ['X-Priority: 3', 'Normal'],
    ['Priority: urgent', 'High'],
    ['X-MSMail-Priority: Low', 'Low'],
    ['X-Subject-Only: yes', 'Normal'],
  ])('%s gives %s', async (field, importance) => {
    const parsed = await parseInboundMail(mail(['From: a@example.org', field, '', 'x', '']), options);
    expect(parsed.importance).toBe(importance);
  });

  it('prefers Importance over X-Priority', async () => {
    const parsed = await parseInboundMail(mail(['X-Priority: 5', 'Importance: high', '', 'x', '']), options);
    expect(parsed.importance).toBe('High');
  });
});

// Large base64 bodies skip mailparser's decoder (elideBodiesFrom); where the shortcut would not give mailparser's result, it is not taken.
describe('parseInboundMail with large base64 bodies decoded natively', () => {
  const bytes = Buffer.from(Array.from({ length: 40_000 }, (_, i) => (i * 7) % 256));
  const both = async (raw: Buffer) => ({
    natively: await parseInboundMail(raw, { ...options, elideBodiesFrom: 1 }),
    byParser: await parseInboundMail(raw, { ...options, elideBodiesFrom: Number.POSITIVE_INFINITY }),
  });

  it('keeps a large base64 text body as the body, not as an attachment', async () => {
    const text = 'You have a new voice message. '.repeat(1000);
    const raw = mail([
      'From: pbx@example.org',
      'Subject: long text',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: base64',
      '',
      wrapBase64(Buffer.from(text, 'utf8')),
    ]);
    const { natively, byParser } = await both(raw);
    expect(natively.body?.content.trim()).toBe(text.trim());
    expect(natively).toEqual(byParser);
  });

  it('decodes a body padded line by line as mailparser does', async () => {
    const padded = Array.from({ length: bytes.length / 50 }, (_, i) => bytes.subarray(i * 50, i * 50 + 50).toString('base64')).join('\r\n');
    const raw = mail([
      'From: pbx@example.org',
      'Subject: padded',
      'Content-Type: multipart/mixed; boundary="p"',
      '',
      '--p',
      'Content-Type: audio/wav; name="a.wav"',
      'Content-Transfer-Encoding: base64',
      '',
      padded,
      '--p--',
      '',
    ]);
    const { natively, byParser } = await both(raw);
    expect(natively.attachments[0]?.content.equals(bytes)).toBe(true);
    expect(natively).toEqual(byParser);
  });

  it('decodes each of several large attachments into its own place, with characters outside base64 skipped', async () => {
    const second = Buffer.from(bytes).reverse();
    const raw = mail([
      'From: pbx@example.org',
      'Subject: two',
      'Content-Type: multipart/mixed; boundary="two"',
      '',
      '--two',
      'Content-Type: text/plain',
      '',
      'Two recordings.',
      '--two',
      'Content-Type: audio/wav; name="first.wav"',
      'Content-Transfer-Encoding: base64',
      '',
      wrapBase64(bytes).replace(/\r\n/g, ' *\r\n'),
      '--two',
      'Content-Type: application/octet-stream; name="second.bin"',
      'Content-Transfer-Encoding: base64',
      '',
      wrapBase64(second),
      '--two--',
      '',
    ]);
    const { natively, byParser } = await both(raw);
    expect(natively.attachments.map((a) => a.filename)).toEqual(['first.wav', 'second.bin']);
    expect(natively.attachments[0].content.equals(bytes)).toBe(true);
    expect(natively.attachments[1].content.equals(second)).toBe(true);
    expect(natively).toEqual(byParser);
  });
});
