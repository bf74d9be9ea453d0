import { parseSipMessage, type SipResponse } from '@parley/presence-bridge/sip';
import { ClientTransactionTable } from './client-transaction.table';

function response(status: number, branch: string, method = 'NOTIFY'): SipResponse {
  const text =
    `SIP/2.0 ${status} X\r\nVia: SIP/2.0/TCP 127.0.0.1:5060;branch=${branch}\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:b@x>;tag=2\r\n` +
    `Call-ID: c1\r\nCSeq: 7 ${method}\r\nContent-Length: 0\r\n\r\n`;
  return parseSipMessage(Buffer.from(text), { framing: 'message' }) as SipResponse;
}

describe('ClientTransactionTable', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('ends a transaction with its final response, matched by branch and method; provisional responses do not end it', async () => {
    const table = new ClientTransactionTable(32_000, 4);
    const outcome = table.start('z9hG4bK1', 'NOTIFY');
    expect(table.match(response(100, 'z9hG4bK1'))).toBe(true);
    expect(table.size).toBe(1);
    expect(table.match(response(200, 'z9hG4bK1', 'MESSAGE'))).toBe(false);
    expect(table.match(response(200, 'z9hG4bK2'))).toBe(false);
    expect(table.match(response(481, 'z9hG4bK1'))).toBe(true);
    await expect(outcome).resolves.toMatchObject({ kind: 'response', response: { status: 481 } });
    expect(table.size).toBe(0);
    expect(table.match(response(200, 'z9hG4bK1'))).toBe(false);
  });

  it('times out after Timer F and answers closed when the connection ends', async () => {
    const table = new ClientTransactionTable(32_000, 4);
    const late = table.start('z9hG4bKa', 'NOTIFY');
    jest.advanceTimersByTime(31_999);
    const open = table.start('z9hG4bKb', 'MESSAGE');
    jest.advanceTimersByTime(1);
    await expect(late).resolves.toEqual({ kind: 'timeout' });
    expect(table.size).toBe(1);
    table.closeAll();
    await expect(open).resolves.toEqual({ kind: 'closed' });
    expect(table.size).toBe(0);
  });

  it('refuses to start past its bound', async () => {
    const table = new ClientTransactionTable(32_000, 2);
    void table.start('b1', 'NOTIFY');
    void table.start('b2', 'NOTIFY');
    expect(table.hasRoom).toBe(false);
    await expect(table.start('b3', 'NOTIFY')).resolves.toEqual({ kind: 'overloaded' });
    table.closeAll();
  });
});
