import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import type { SipRequest } from '@parley/presence-bridge/sip';
import type { SipConnection, SipConnectionHost } from './sip-connection';
import { SipTcpConnection } from './sip-tcp.connection';

/** The parts of a net.Socket the connection uses, recording what it writes and whether it ends. */
class FakeSocket extends EventEmitter {
  written: string[] = [];
  ended = false;
  destroyed = false;
  writableEnded = false;
  writableLength = 0;
  noDelay = false;
  timeoutMs = 0;
  setNoDelay(value: boolean): void {
    this.noDelay = value;
  }
  setTimeout(ms: number): void {
    this.timeoutMs = ms;
  }
  write(bytes: Buffer): boolean {
    this.written.push(bytes.toString('utf8'));
    return true;
  }
  end(): void {
    this.ended = true;
    this.writableEnded = true;
  }
  destroy(): void {
    this.destroyed = true;
    this.emit('close');
  }
}

function options(extra: string[] = [], method = 'OPTIONS', cseqMethod = method): string {
  return [
    `${method} sip:parley.test SIP/2.0`,
    'Via: SIP/2.0/TCP client.invalid;branch=z9hG4bK1',
    'Max-Forwards: 70',
    'To: <sip:alice@parley.test>',
    'From: <sip:alice@parley.test>;tag=1',
    'Call-ID: c1',
    `CSeq: 1 ${cseqMethod}`,
    ...extra,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

describe('SipTcpConnection routing', () => {
  let socket: FakeSocket;
  let processed: SipRequest[];
  let closed: number;
  const host = (rate = 100): SipConnectionHost => ({
    maxRequestsPerSecond: rate,
    idleTimeoutMs: 3_660_000,
    process: async (request: SipRequest) => {
      processed.push(request);
    },
    closed: () => (closed += 1),
    failed: (connection: SipConnection) => connection.close(),
  });
  const open = (rate?: number) => new SipTcpConnection(socket as unknown as Socket, '192.0.2.1', host(rate));
  const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

  beforeEach(() => {
    socket = new FakeSocket();
    processed = [];
    closed = 0;
  });

  it('hands well-formed requests to the host in order, however the bytes are split', async () => {
    open();
    const text = options() + options(['Subject: two']);
    for (let i = 0; i < text.length; i += 7) socket.emit('data', Buffer.from(text.slice(i, i + 7)));
    await settle();
    expect(processed.map((r) => r.headers.get('Subject') ?? 'one')).toEqual(['one', 'two']);
    expect(socket.written).toEqual([]);
  });

  it('closes a connection that stays silent longer than any registration lasts', () => {
    open();
    expect(socket.timeoutMs).toBe(3_660_000);
  });

  it('answers a keep-alive ping with a single CRLF', () => {
    open();
    socket.emit('data', Buffer.from('\r\n\r\n'));
    expect(socket.written).toEqual(['\r\n']);
  });

  it('answers an invalid but readable request with 400 and a Warning, without processing it, and stays open', async () => {
    open();
    socket.emit('data', Buffer.from(options([], 'OPTIONS', 'REGISTER')));
    await settle();
    expect(processed).toHaveLength(0);
    expect(socket.written[0]).toMatch(/^SIP\/2\.0 400 [^\r]*\r\n/);
    expect(socket.written[0]).toMatch(/\r\nWarning: 399 parley "/);
    expect(socket.ended).toBe(false);
  });

  it('drops an invalid ACK silently and ignores responses', async () => {
    open();
    socket.emit('data', Buffer.from(options([], 'ACK', 'INVITE')));
    socket.emit(
      'data',
      Buffer.from(
        'SIP/2.0 200 OK\r\nVia: SIP/2.0/TCP a.invalid;branch=z9hG4bK2\r\nTo: <sip:a@b>\r\nFrom: <sip:a@b>;tag=2\r\nCall-ID: x\r\nCSeq: 1 NOTIFY\r\nContent-Length: 0\r\n\r\n',
      ),
    );
    await settle();
    expect(processed).toHaveLength(0);
    expect(socket.written).toEqual([]);
    expect(socket.ended).toBe(false);
  });

  it('closes the connection on bytes that are not SIP, after answering what came before', async () => {
    open();
    socket.emit('data', Buffer.from(options([], 'OPTIONS', 'REGISTER')));
    socket.emit('data', Buffer.from('\u0000garbage that never was SIP\r\n\r\n'));
    socket.emit('data', Buffer.from(options()));
    await settle();
    expect(socket.written).toEqual([expect.stringMatching(/^SIP\/2\.0 400 /)]);
    expect(processed).toHaveLength(0);
    expect(socket.ended).toBe(true);
    // A peer that never closes its side is dropped after a short wait.
    expect(socket.timeoutMs).toBeLessThan(10_000);
  });

  it('answers 503 with Retry-After past the request budget, without processing', async () => {
    open(1);
    for (let i = 0; i < 21; i += 1) socket.emit('data', Buffer.from(options([`Subject: ${i}`])));
    await settle();
    expect(processed).toHaveLength(20);
    expect(socket.written).toEqual([expect.stringMatching(/^SIP\/2\.0 503 [^]*\r\nRetry-After: \d+\r\n/)]);
  });

  it('tells the host once when the connection is gone', () => {
    const connection = open();
    socket.destroy();
    socket.emit('close');
    expect(closed).toBe(1);
    expect(connection.isOpen).toBe(false);
  });
});
