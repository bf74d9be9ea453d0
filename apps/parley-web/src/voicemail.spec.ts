import { ParleyApi } from './api';
import { languageTags } from './i18n/i18n';
import {
  audioAttachmentOf,
  audioSource,
  deleteMessage,
  formatDuration,
  loadAttachments,
  loadVoicemailPage,
  setRead,
  voicemailListPath,
  voicemailOf,
  type GraphMessage,
} from './voicemail';

const message = (extra: Partial<GraphMessage> = {}): GraphMessage => ({
  id: 'm1',
  receivedDateTime: '2026-12-03T09:12:00.000Z',
  isRead: false,
  subject: 'Voice Mail from +4930123456 (18 seconds)',
  from: { emailAddress: { name: 'PBX', address: 'pbx@pbx.test' } },
  singleValueExtendedProperties: [
    { id: 'Integer 0x6801', value: '18' },
    { id: 'String 0x6802', value: '+4930123456' },
    { id: 'String 0x6803', value: 'Vera Voice' },
  ],
  ...extra,
});

describe('voicemailListPath', () => {
  it('asks for 50 messages of the voicemail folder with the count and exactly the three voice properties', () => {
    const path = voicemailListPath();
    const [route, query] = path.split('?');
    expect(route).toBe('/api/v1.0/me/mailFolders/voicemail/messages');
    expect(Object.fromEntries(new URLSearchParams(query))).toEqual({
      $top: '50',
      $count: 'true',
      $expand: "singleValueExtendedProperties($filter=id eq 'Integer 0x6801' or id eq 'String 0x6802' or id eq 'String 0x6803')",
    });
    // The expansion is percent-encoded: no raw space, '=' or '$' inside it reaches the URL.
    expect(query?.split('&$expand=')[1]).not.toMatch(/[ =$]/);
    expect(voicemailListPath(120)).toContain('$top=120&');
  });
});

describe('voicemailOf', () => {
  it('names the caller by the voice message sender name, else the number, else the mail sender', () => {
    expect(voicemailOf(message())).toEqual({
      id: 'm1',
      caller: 'Vera Voice',
      callerNumber: '+4930123456',
      received: Date.parse('2026-12-03T09:12:00.000Z'),
      durationSeconds: 18,
      isRead: false,
    });
    const withoutName = message({ singleValueExtendedProperties: [{ id: 'String 0x6802', value: '+4930123456' }] });
    expect(voicemailOf(withoutName)).toMatchObject({ caller: '+4930123456', callerNumber: null, durationSeconds: null });
    const blankName = message({
      singleValueExtendedProperties: [
        { id: 'String 0x6803', value: '  ' },
        { id: 'String 0x6802', value: '+39061234' },
      ],
    });
    expect(voicemailOf(blankName)?.caller).toBe('+39061234');
    expect(voicemailOf(message({ singleValueExtendedProperties: undefined }))?.caller).toBe('PBX');
    expect(voicemailOf(message({ singleValueExtendedProperties: null, from: { emailAddress: { address: 'pbx@pbx.test' } } }))?.caller).toBe(
      'pbx@pbx.test',
    );
    expect(voicemailOf(message({ singleValueExtendedProperties: [], from: null }))?.caller).toBe('');
  });

  it('reads the duration in seconds, ignores an unreadable one, and matches property ids in any case', () => {
    const duration = (value: string, id = 'Integer 0x6801') =>
      voicemailOf(message({ singleValueExtendedProperties: [{ id, value }] }))?.durationSeconds;
    expect(duration('75')).toBe(75);
    expect(duration('75', 'integer 0X6801')).toBe(75);
    expect(duration('long')).toBeNull();
    expect(duration('-3')).toBeNull();
    expect(voicemailOf(message({ isRead: true }))?.isRead).toBe(true);
    expect(voicemailOf(message({ id: '' }))).toBeNull();
    expect(voicemailOf(message({ receivedDateTime: null }))?.received).toBeNaN();
  });
});

describe('formatDuration', () => {
  it('writes m:ss, and h:mm:ss from an hour on', () => {
    expect([0, 5, 18, 65, 600, 3599, 3605, 36_000].map((s) => formatDuration(s, 'en'))).toEqual([
      '0:00',
      '0:05',
      '0:18',
      '1:05',
      '10:00',
      '59:59',
      '1:00:05',
      '10:00:00',
    ]);
    expect(formatDuration(17.6, 'en')).toBe('0:18');
    expect(formatDuration(-4, 'en')).toBe('0:00');
  });

  it("uses the language's digits, without grouping", () => {
    for (const language of languageTags) expect({ language, text: formatDuration(65, language) }).toEqual({ language, text: '1:05' });
    expect(formatDuration(65, 'ar-EG')).toBe('١:٠٥');
    expect(formatDuration(3_600_000, 'en')).toBe('1000:00:00');
  });
});

describe('audioAttachmentOf and audioSource', () => {
  it('picks the audio attachment by its type, else a sound file by its name', () => {
    const text = { id: 'a1', name: 'transcript.txt', contentType: 'text/plain' };
    const wav = { id: 'a2', name: 'msg0001.wav', contentType: 'audio/wav' };
    expect(audioAttachmentOf([text, wav])).toBe(wav);
    expect(audioAttachmentOf([text, { id: 'a3', name: 'x.WAV', contentType: 'application/octet-stream' }])?.id).toBe('a3');
    expect(audioAttachmentOf([text])).toBeNull();
    expect(audioAttachmentOf([])).toBeNull();
  });

  it('points at the attachment bytes on the same origin, ids escaped', () => {
    expect(audioSource('AAMk/1+2=', 'att 1')).toBe('/api/v1.0/me/messages/AAMk%2F1%2B2%3D/attachments/att%201/$value');
  });
});

describe('the message calls', () => {
  function recordingApi(respond: () => Response) {
    const calls: { url: string; method: string; headers: Record<string, string>; body: unknown }[] = [];
    const api = new ParleyApi(async (url, init) => {
      calls.push({
        url,
        method: init?.method ?? 'GET',
        headers: init?.headers as Record<string, string>,
        body: init?.body ? JSON.parse(String(init.body)) : undefined,
      });
      return respond();
    });
    api.setCsrfToken('tok-9');
    return { api, calls };
  }

  it('lists a page with its total and a same-origin next link', async () => {
    const { api } = recordingApi(
      () =>
        new Response(
          JSON.stringify({
            value: [message(), { id: '' }],
            '@odata.count': 120,
            '@odata.nextLink': 'http://parley.example/api/v1.0/me/mailFolders/voicemail/messages?%24top=50&%24skip=50',
          }),
          { status: 200 },
        ),
    );
    const page = await loadVoicemailPage(api);
    expect(page.items.map((v) => v.caller)).toEqual(['Vera Voice']);
    expect(page.total).toBe(120);
    expect(page.next).toBe('/api/v1.0/me/mailFolders/voicemail/messages?%24top=50&%24skip=50');
  });

  it('marks read and unread with PATCH and deletes with DELETE, each with the CSRF token', async () => {
    const { api, calls } = recordingApi(() => new Response(null, { status: 204 }));
    await setRead(api, 'm/1', true);
    await setRead(api, 'm/1', false);
    await deleteMessage(api, 'm/1');
    expect(calls.map((c) => [c.method, c.url, c.body, c.headers['X-CSRF-Token']])).toEqual([
      ['PATCH', '/api/v1.0/me/messages/m%2F1', { isRead: true }, 'tok-9'],
      ['PATCH', '/api/v1.0/me/messages/m%2F1', { isRead: false }, 'tok-9'],
      ['DELETE', '/api/v1.0/me/messages/m%2F1', undefined, 'tok-9'],
    ]);
  });

  it('lists attachments, and fails with the Graph error of a message that is gone', async () => {
    const ok = recordingApi(
      () => new Response(JSON.stringify({ value: [{ id: 'a1', name: 'v.wav', contentType: 'audio/wav', size: 10 }] }), { status: 200 }),
    );
    expect(await loadAttachments(ok.api, 'm1')).toEqual([{ id: 'a1', name: 'v.wav', contentType: 'audio/wav', size: 10 }]);
    expect(ok.calls[0]?.url).toBe('/api/v1.0/me/messages/m1/attachments');
    const gone = recordingApi(
      () =>
        new Response(
          JSON.stringify({ error: { code: 'ErrorItemNotFound', message: 'The specified object was not found in the store.' } }),
          {
            status: 404,
          },
        ),
    );
    await expect(loadAttachments(gone.api, 'm1')).rejects.toMatchObject({ status: 404, code: 'ErrorItemNotFound' });
  });
});
