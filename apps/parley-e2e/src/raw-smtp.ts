import { waitFor } from '@parley/testing';
import { Socket } from 'node:net';

/**
 * An SMTP dialog on a raw socket, reply line by reply line, for stopping a session at an exact
 * point (mid-DATA, right after the 250) — which no SMTP client library lets a test do.
 */
export class RawSmtp {
  private buffer = '';
  private readonly lines: string[] = [];
  /** Settles when the server (or `destroy`) closed the connection. */
  readonly closed: Promise<void>;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer += chunk.toString('latin1');
      let at: number;
      while ((at = this.buffer.indexOf('\r\n')) >= 0) {
        this.lines.push(this.buffer.slice(0, at));
        this.buffer = this.buffer.slice(at + 2);
      }
    });
    this.closed = new Promise((resolve) => socket.on('close', () => resolve()));
    socket.on('error', () => undefined);
  }

  /** Connects to 127.0.0.1:`port` and reads the greeting. */
  static async connect(port: number): Promise<RawSmtp> {
    const socket = new Socket();
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
      socket.connect(port, '127.0.0.1');
    });
    const client = new RawSmtp(socket);
    await client.reply();
    return client;
  }

  /** The next complete reply: its last line (`250 2.0.0 Ok`), the only one of a single-line reply. */
  async reply(timeoutMs = 10_000): Promise<string> {
    return waitFor(
      () => {
        const index = this.lines.findIndex((l) => /^\d{3} /.test(l));
        if (index < 0) return undefined;
        return this.lines.splice(0, index + 1)[index];
      },
      { timeoutMs, intervalMs: 2, what: 'an SMTP reply' },
    );
  }

  /** Sends one command line and answers the reply to it. */
  async command(line: string): Promise<string> {
    this.socket.write(`${line}\r\n`);
    return this.reply();
  }

  write(data: string): void {
    this.socket.write(data);
  }

  destroy(): void {
    this.socket.destroy();
  }
}
