import { createResponse, parseSipMessage, SipRequest } from '@parley/presence-bridge/sip';
import { ServerTransactionTable } from './server-transaction.table';

function request(method: string, branch: string, sentBy = 'client.invalid', cseq = 1): SipRequest {
  const text = [
    `${method} sip:parley.test SIP/2.0`,
    `Via: SIP/2.0/WS ${sentBy};branch=${branch}`,
    'Max-Forwards: 70',
    'To: <sip:alice@parley.test>',
    'From: <sip:alice@parley.test>;tag=1',
    'Call-ID: call-1',
    `CSeq: ${cseq} ${method}`,
    '',
    '',
  ].join('\r\n');
  const message = parseSipMessage(text);
  if (!(message instanceof SipRequest)) throw new Error('not a request');
  return message;
}

describe('ServerTransactionTable', () => {
  let now = 0;
  const table = (max = 10) => new ServerTransactionTable(32_000, max, () => now);
  beforeEach(() => (now = 0));

  it('answers a retransmission with the response already sent', () => {
    const t = table();
    const first = request('REGISTER', 'z9hG4bKaaa');
    expect(t.begin(first)).toEqual({ kind: 'new' });
    expect(t.begin(request('REGISTER', 'z9hG4bKaaa'))).toEqual({ kind: 'retransmission', response: undefined });
    const response = createResponse(first, 200);
    t.complete(first, response);
    expect(t.begin(request('REGISTER', 'z9hG4bKaaa'))).toEqual({ kind: 'retransmission', response });
  });

  it('keeps requests apart by branch, method and sent-by (host case-insensitive)', () => {
    const t = table();
    t.begin(request('REGISTER', 'z9hG4bKaaa', 'Client.Invalid'));
    expect(t.begin(request('REGISTER', 'z9hG4bKaaa', 'client.invalid')).kind).toBe('retransmission');
    expect(t.begin(request('REGISTER', 'z9hG4bKAAA')).kind).toBe('new');
    expect(t.begin(request('OPTIONS', 'z9hG4bKaaa')).kind).toBe('new');
    expect(t.begin(request('REGISTER', 'z9hG4bKaaa', 'other.invalid')).kind).toBe('new');
    expect(t.begin(request('REGISTER', 'z9hG4bKaaa', 'client.invalid:5070')).kind).toBe('new');
  });

  it('treats RFC 2543 branches (no magic cookie) as new every time', () => {
    const t = table();
    expect(t.begin(request('OPTIONS', 'old1')).kind).toBe('new');
    expect(t.begin(request('OPTIONS', 'old1')).kind).toBe('new');
    expect(t.size).toBe(0);
  });

  it('forgets a transaction after its lifetime', () => {
    const t = table();
    t.begin(request('REGISTER', 'z9hG4bKaaa'));
    now = 31_999;
    expect(t.begin(request('REGISTER', 'z9hG4bKaaa')).kind).toBe('retransmission');
    now = 32_000;
    expect(t.begin(request('REGISTER', 'z9hG4bKaaa')).kind).toBe('new');
  });

  it('stays within its bound by forgetting the oldest', () => {
    const t = table(2);
    for (const branch of ['z9hG4bK1', 'z9hG4bK2', 'z9hG4bK3']) t.begin(request('OPTIONS', branch));
    expect(t.size).toBe(2);
    expect(t.begin(request('OPTIONS', 'z9hG4bK3')).kind).toBe('retransmission');
    expect(t.begin(request('OPTIONS', 'z9hG4bK1')).kind).toBe('new');
  });

  it('matches a CANCEL to the transaction with its branch', () => {
    const t = table();
    t.begin(request('REGISTER', 'z9hG4bKaaa'));
    expect(t.matchesCancel(request('CANCEL', 'z9hG4bKaaa'), ['REGISTER', 'OPTIONS'])).toBe(true);
    expect(t.matchesCancel(request('CANCEL', 'z9hG4bKbbb'), ['REGISTER', 'OPTIONS'])).toBe(false);
  });
});
