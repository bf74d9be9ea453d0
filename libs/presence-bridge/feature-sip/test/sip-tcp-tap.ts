import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';

/** One SIP message that crossed the tap, as its sender wrote it. */
export interface TappedMessage {
  /** Which tapped connection carried it (1, 2, … in the order clients connected). */
  readonly connection: number;
  readonly direction: 'client-to-server' | 'server-to-client';
  readonly startLine: string;
  /** Header lines as sent, `Name: value`. */
  readonly headers: readonly string[];
  readonly body: string;
  /** The request's method, or undefined for a response. */
  readonly method: string | undefined;
  /** The response's status code, or undefined for a request. */
  readonly status: number | undefined;
  /** The values of every header of that name (case-insensitive; no compact forms). */
  header(name: string): string[];
}

/** A request seen by the tap and the final response the server gave it on the same connection, if any yet. */
export interface TappedExchange {
  readonly request: TappedMessage;
  readonly response: TappedMessage | undefined;
}

/**
 * A TCP relay between a SIP client and the front that records every message in both directions, so a test can
 * see what a native client really sent (its digest algorithm, its un-REGISTER) without trusting the client's own
 * logs or the code under test. Each client connection gets its own upstream connection; a close on either side
 * closes the other, so the front still sees a client's connection end when the client's does.
 */
export class SipTcpTap {
  readonly messages: TappedMessage[] = [];
  private connections = 0;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static start(target: { host: string; port: number }): Promise<SipTcpTap> {
    return new Promise((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const tap = new SipTcpTap(server, (server.address() as AddressInfo).port);
        server.on('connection', (client) => tap.relay(client, target));
        resolve(tap);
      });
    });
  }

  /** Requests of `method` (all requests without it) with the final response that matched each (same connection, Call-ID and CSeq). */
  exchanges(method?: string): TappedExchange[] {
    return this.messages
      .filter((m) => m.direction === 'client-to-server' && m.method !== undefined && (method === undefined || m.method === method))
      .map((request) => ({
        request,
        response: this.messages.find(
          (m) =>
            m.direction === 'server-to-client' &&
            m.connection === request.connection &&
            m.status !== undefined &&
            m.status >= 200 &&
            this.messages.indexOf(m) > this.messages.indexOf(request) &&
            m.header('Call-ID')[0] === request.header('Call-ID')[0] &&
            m.header('CSeq')[0] === request.header('CSeq')[0],
        ),
      }));
  }

  /** Waits until `predicate` holds over what the tap has seen, and returns its last truthy value. */
  async waitFor<T>(predicate: (tap: SipTcpTap) => T | undefined | false, what: string, timeoutMs = 15_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = predicate(this);
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`the tap did not see ${what} within ${timeoutMs} ms; it saw:\n${this.summary()}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** One line per message: connection, direction and start line (for failure messages). */
  summary(): string {
    return this.messages.map((m) => `#${m.connection} ${m.direction === 'client-to-server' ? '->' : '<-'} ${m.startLine}`).join('\n');
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private relay(client: Socket, target: { host: string; port: number }): void {
    const connection = (this.connections += 1);
    const upstream = connect({ host: target.host, port: target.port });
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    const record = (direction: TappedMessage['direction']) => {
      let buffer: Buffer = Buffer.alloc(0);
      return (chunk: Buffer) => {
        buffer = Buffer.concat([buffer, chunk]);
        buffer = this.cut(buffer, connection, direction);
      };
    };
    client.on('data', record('client-to-server'));
    upstream.on('data', record('server-to-client'));
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }

  /** Takes every whole message off the front of `buffer` (skipping CRLF keep-alives) and returns the rest. */
  private cut(buffer: Buffer, connection: number, direction: TappedMessage['direction']): Buffer {
    for (;;) {
      let start = 0;
      while (start < buffer.length && (buffer[start] === 0x0d || buffer[start] === 0x0a)) start += 1;
      buffer = buffer.subarray(start);
      const end = buffer.indexOf('\r\n\r\n');
      if (end === -1) return buffer;
      const lines = buffer.subarray(0, end).toString('utf8').split('\r\n');
      const headers = lines.slice(1);
      const header = (name: string) =>
        headers
          .filter((line) => line.slice(0, line.indexOf(':')).trim().toLowerCase() === name.toLowerCase())
          .map((line) => line.slice(line.indexOf(':') + 1).trim());
      const length = Number(header('Content-Length')[0] ?? header('l')[0] ?? 0);
      if (buffer.length < end + 4 + length) return buffer;
      const statusMatch = /^SIP\/2\.0 (\d{3})/.exec(lines[0]);
      this.messages.push({
        connection,
        direction,
        startLine: lines[0],
        headers,
        body: buffer.subarray(end + 4, end + 4 + length).toString('utf8'),
        method: statusMatch ? undefined : lines[0].split(' ')[0],
        status: statusMatch ? Number(statusMatch[1]) : undefined,
        header,
      });
      buffer = buffer.subarray(end + 4 + length);
    }
  }
}
