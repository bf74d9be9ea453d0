import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';

/**
 * A line-by-line SMTP client for the cases real clients avoid on purpose (MAIL before STARTTLS, a
 * declared SIZE, a DATA that stalls): send a command, read the whole reply.
 */
export class SmtpDialog {
  private buffer = '';
  private waiting: (() => void) | undefined;
  private closed = false;

  private constructor(private socket: Socket | TLSSocket) {
    this.attach(socket);
  }

  static async open(port: number, opts: { implicitTls?: boolean } = {}): Promise<SmtpDialog> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = opts.implicitTls
        ? tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => resolve(s))
        : tcpConnect({ host: '127.0.0.1', port }, () => resolve(s));
      s.once('error', reject);
    });
    return new SmtpDialog(socket);
  }

  /** The greeting (or the refusal a server sends instead of one). */
  greeting(timeoutMs = 5000): Promise<string> {
    return this.reply(timeoutMs);
  }

  async command(line: string, timeoutMs = 5000): Promise<string> {
    this.socket.write(`${line}\r\n`);
    return this.reply(timeoutMs);
  }

  /** Writes without waiting for a reply (message content). */
  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  async startTls(): Promise<void> {
    const reply = await this.command('STARTTLS');
    if (!reply.startsWith('220')) throw new Error(`STARTTLS refused: ${reply}`);
    const plain = this.socket;
    plain.removeAllListeners('data');
    this.socket = await new Promise<TLSSocket>((resolve, reject) => {
      const s = tlsConnect({ socket: plain, rejectUnauthorized: false }, () => resolve(s));
      s.once('error', reject);
    });
    this.attach(this.socket);
  }

  /** The next complete reply (all its lines), or `timeout` when none arrives in time. */
  reply(timeoutMs = 5000): Promise<string> {
    return new Promise((resolve) => {
      const check = () => {
        const complete = /(^|\r\n)(\d{3}) [^\r\n]*\r\n/.exec(this.buffer);
        if (complete) {
          const end = complete.index + complete[0].length;
          const text = this.buffer.slice(0, end).trim();
          this.buffer = this.buffer.slice(end);
          clearTimeout(timer);
          this.waiting = undefined;
          resolve(text);
          return;
        }
        if (this.closed) {
          clearTimeout(timer);
          resolve('closed');
        }
      };
      const timer = setTimeout(() => {
        this.waiting = undefined;
        resolve('timeout');
      }, timeoutMs);
      this.waiting = check;
      check();
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private attach(socket: Socket | TLSSocket): void {
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      this.waiting?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.waiting?.();
    });
    socket.on('error', () => undefined);
  }
}
