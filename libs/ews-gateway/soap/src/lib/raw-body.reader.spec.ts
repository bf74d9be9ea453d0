import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { closeIfBodyUnread } from '@parley/observability';
import { BodyTimeoutError, BodyTooLargeError, readRawBody } from './raw-body.reader';

/** A server that reads each body with `readRawBody(limit, timeoutMs)` and answers what happened. */
async function serve(limit: number, timeoutMs: number): Promise<{ port: number; server: Server }> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    readRawBody(req, limit, timeoutMs).then(
      (body) => res.end(`read ${body.length}`),
      (error: unknown) => {
        res.statusCode = error instanceof BodyTooLargeError ? 413 : error instanceof BodyTimeoutError ? 408 : 500;
        closeIfBodyUnread(req, res);
        res.end(String(error));
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, server };
}

/** Sends `head` and `parts` (a pause between each), resolves with what came back and whether the server closed. */
function exchange(port: number, head: string, parts: string[], pauseMs: number): Promise<{ text: string; closedByServer: boolean }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.on('data', (d) => (text += d.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve({ text, closedByServer: true }));
    socket.write(head);
    let i = 0;
    const next = () => {
      if (i < parts.length && !socket.destroyed) {
        socket.write(parts[i++]);
        setTimeout(next, pauseMs);
      }
    };
    next();
  });
}

describe('readRawBody', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  it('reads a body that arrives in pieces within the deadline', async () => {
    const s = await serve(1000, 2000);
    server = s.server;
    const fetched = await fetch(`http://127.0.0.1:${s.port}/`, { method: 'POST', body: 'x'.repeat(500) });
    expect(await fetched.text()).toBe('read 500');
  });

  it('refuses a body that has not arrived in full by the deadline, however steadily it drips, and closes the connection', async () => {
    const s = await serve(1000, 300);
    server = s.server;
    const started = Date.now();
    const { text, closedByServer } = await exchange(
      s.port,
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n',
      Array.from({ length: 40 }, () => 'x'),
      50,
    );
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
    expect(text).toMatch(/\r\nConnection: close\r\n/i);
    expect(text).toContain('did not arrive within 300 ms');
    expect(closedByServer).toBe(true);
    // The deadline is not reset by each chunk, and the close follows the answer within the linger.
    expect(Date.now() - started).toBeLessThan(1800);
  });

  it('refuses a declared or a growing body over the limit', async () => {
    const s = await serve(10, 2000);
    server = s.server;
    expect((await fetch(`http://127.0.0.1:${s.port}/`, { method: 'POST', body: 'x'.repeat(11) })).status).toBe(413);
    const chunked = await exchange(
      s.port,
      'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n',
      ['8\r\nxxxxxxxx\r\n', '8\r\nxxxxxxxx\r\n'],
      20,
    );
    expect(chunked.text).toMatch(/^HTTP\/1\.1 413 /);
  });
});
