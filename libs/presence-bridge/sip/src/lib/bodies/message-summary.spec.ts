import {
  messageSummaryFor,
  parseMessageSummary,
  SipBodyError,
  SipBodyErrorCode,
  writeMessageSummary,
  type MessageSummary,
} from '../../index';

describe('message-summary (RFC 3842)', () => {
  it("writes a user's voicemail counts: waiting while any is new, the account, voice new/old", () => {
    expect(writeMessageSummary(messageSummaryFor('sip:alice@parley.test', { newMessages: 2, oldMessages: 5 }))).toBe(
      'Messages-Waiting: yes\r\nMessage-Account: sip:alice@parley.test\r\nVoice-Message: 2/5\r\n',
    );
    expect(writeMessageSummary(messageSummaryFor('sip:alice@parley.test', { newMessages: 0, oldMessages: 3 }))).toBe(
      'Messages-Waiting: no\r\nMessage-Account: sip:alice@parley.test\r\nVoice-Message: 0/3\r\n',
    );
  });

  it('writes urgent counts and several classes in the grammar order, and reads them back', () => {
    const summary: MessageSummary = {
      messagesWaiting: true,
      account: 'sip:alice@parley.test',
      counts: { fax: { newMessages: 1, oldMessages: 0 }, voice: { newMessages: 4, oldMessages: 8, urgentNew: 1, urgentOld: 2 } },
    };
    const body = writeMessageSummary(summary);
    expect(body).toBe(
      'Messages-Waiting: yes\r\nMessage-Account: sip:alice@parley.test\r\nVoice-Message: 4/8 (1/2)\r\nFax-Message: 1/0\r\n',
    );
    expect(parseMessageSummary(body)).toEqual(summary);
    expect(parseMessageSummary(writeMessageSummary({ messagesWaiting: false, account: null, counts: {} }))).toEqual({
      messagesWaiting: false,
      account: null,
      counts: {},
    });
  });

  it('reads what other notifiers write: any case, spaces around ":" and "/", LF line ends, message headers after a blank line', () => {
    const body =
      'messages-waiting : YES\nmessage-account: sip:alice@vm.parley.test\nvoice-message: 3 / 9 ( 0 / 1 )\nX-Other: ignored\n\n' +
      'To: alice@parley.test\nFrom: bob@parley.test\nSubject: not a summary line: 1/1\n';
    expect(parseMessageSummary(body)).toEqual({
      messagesWaiting: true,
      account: 'sip:alice@vm.parley.test',
      counts: { voice: { newMessages: 3, oldMessages: 9, urgentNew: 0, urgentOld: 1 } },
    });
  });

  it.each([
    ['an empty body', ''],
    ['no status line first', 'Voice-Message: 1/2\r\nMessages-Waiting: yes\r\n'],
    ['a status that is neither yes nor no', 'Messages-Waiting: maybe\r\n'],
    ['counts that are not new/old', 'Messages-Waiting: yes\r\nVoice-Message: many\r\n'],
    ['a negative count', 'Messages-Waiting: yes\r\nVoice-Message: -1/2\r\n'],
    ['a line that is no header', 'Messages-Waiting: yes\r\njust text\r\n'],
    ['a body over the size limit', `Messages-Waiting: yes\r\n${'X-Pad: x\r\n'.repeat(1000)}`],
  ])('refuses %s', (_what, body) => {
    let err: unknown;
    try {
      parseMessageSummary(body);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SipBodyError);
    expect((err as SipBodyError).code).toBe(SipBodyErrorCode.InvalidMessageSummary);
  });

  it('refuses counts that cannot be written (a programming error)', () => {
    expect(() => writeMessageSummary(messageSummaryFor('sip:a@b', { newMessages: -1, oldMessages: 0 }))).toThrow(RangeError);
    expect(() => writeMessageSummary({ messagesWaiting: true, account: 'sip:a@b\r\nX: y', counts: {} })).toThrow(RangeError);
  });
});
