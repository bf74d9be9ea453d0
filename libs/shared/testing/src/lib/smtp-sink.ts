import { freePort } from './service-process';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

export interface SunkMessage {
  readonly from: string;
  readonly to: string[];
  readonly raw: Buffer;
  readonly secure: boolean;
  readonly user: string | null;
}

export interface SmtpSinkOptions {
  /** STARTTLS with this pair (else not offered). */
  readonly tls?: { key: string; cert: string };
  /** AUTH required with these credentials (only after STARTTLS when `tls` is set). */
  readonly auth?: { user: string; password: string };
}

/** A local SMTP server standing in for the smarthost: keeps what it accepts, refuses chosen recipients. */
export class SmtpSink {
  readonly received: SunkMessage[] = [];
  /** Recipient → the reply it gets at RCPT TO (`550 5.1.1 …`, `451 4.3.0 …`). */
  readonly refuse = new Map<string, { code: number; text: string }>();
  port = 0;
  private server: SMTPServer | undefined;

  constructor(private readonly options: SmtpSinkOptions = {}) {}

  async start(port?: number): Promise<number> {
    this.port = port ?? (await freePort());
    const options: SMTPServerOptions = {
      secure: false,
      logger: false,
      disableReverseLookup: true,
      authOptional: this.options.auth === undefined,
      authMethods: ['PLAIN', 'LOGIN'],
      ...(this.options.tls ? { key: this.options.tls.key, cert: this.options.tls.cert } : { disabledCommands: ['STARTTLS', 'AUTH'] }),
      onAuth: (auth, _session, done) => {
        const wanted = this.options.auth;
        if (wanted && auth.username === wanted.user && auth.password === wanted.password) return done(null, { user: auth.username });
        return done(Object.assign(new Error('5.7.8 Authentication credentials invalid'), { responseCode: 535 }));
      },
      onRcptTo: (address, _session, done) => {
        const refusal = this.refuse.get(address.address.toLowerCase());
        if (refusal) return done(Object.assign(new Error(refusal.text), { responseCode: refusal.code }));
        done();
      },
      onData: (stream, session, done) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const mailFrom = session.envelope.mailFrom;
          this.received.push({
            from: mailFrom ? mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
            raw: Buffer.concat(chunks),
            secure: session.secure,
            user: typeof session.user === 'string' ? session.user : null,
          });
          done(null, 'Queued by the sink');
        });
      },
    };
    const server = new SMTPServer(options);
    server.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    return this.port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async parsed(index: number): Promise<ParsedMail> {
    return simpleParser(this.received[index].raw);
  }
}
