import { decodeHeaderValue } from './header-text';
import { parseDurationSeconds, splitCallerId, transcriptionFrom } from './voicemail-text';

describe('decodeHeaderValue', () => {
  it.each([
    ['=?UTF-8?B?w6lsw6g=?=', 'élè'],
    ['=?iso-8859-1?q?K=F6ln?=', 'Köln'],
    ['=?windows-1252?Q?=80_10?=', '€ 10'],
    ['=?Shift_JIS?B?k/qWew==?=', '日本'],
    ['=?ISO-2022-JP?B?GyRCJVwlJCU5JWEhPCVrGyhC?=', 'ボイスメール'],
    ['=?UTF-8?Q?a?= =?UTF-8?Q?b?=', 'ab'],
    ['=?UTF-8?Q?a?= plain =?UTF-8?Q?b?=', 'a plain b'],
    // One character split over two encoded words.
    ['=?UTF-8?B?5pel?= =?UTF-8?B?5pys?=', '日本'],
    ['=?x-unknown?Q?abc?=', '=?x-unknown?Q?abc?='],
    ['folded\r\n value', 'folded value'],
  ])('%s → %s', (raw, text) => {
    expect(decodeHeaderValue(Buffer.from(raw, 'latin1'))).toBe(text);
  });

  it('reads raw 8-bit bytes as UTF-8, else Windows-1252', () => {
    expect(decodeHeaderValue(Buffer.from('Café', 'utf8'))).toBe('Café');
    expect(decodeHeaderValue(Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x20, 0x80]))).toBe('Café €');
  });
});

describe('voicemail text readers', () => {
  it.each([
    ['17', 17],
    ['17 seconds', 17],
    ['1:05', 65],
    ['00:01:05', 65],
    ['1:02:03', 3723],
    ['soon', null],
  ])('duration %s → %s', (text, seconds) => {
    expect(parseDurationSeconds(text)).toBe(seconds);
  });

  it.each([
    ['"Alice Example" <02079460018>', { name: 'Alice Example', number: '02079460018' }],
    ['Bob <2003>', { name: 'Bob', number: '2003' }],
    ['"Carol" +4930123456789', { name: 'Carol', number: '+4930123456789' }],
    ['Dave 0041446681800', { name: 'Dave', number: '0041446681800' }],
    ['an unknown caller', { name: null, number: null }],
    ['+1 212 555 0199', { name: null, number: '+1 212 555 0199' }],
  ])('caller id %s', (text, caller) => {
    expect(splitCallerId(text)).toEqual(caller);
  });

  it('takes the transcription after its caption, else the whole body', () => {
    expect(transcriptionFrom('You received a voice mail.\n\nPreview: call me back\nplease')).toBe('call me back\nplease');
    expect(transcriptionFrom('just the words')).toBe('just the words');
    expect(transcriptionFrom('  \n')).toBeNull();
  });
});
