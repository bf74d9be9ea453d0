import type { SmarthostConfig } from '@parley/config';
import { readFileSync } from 'node:fs';
import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';

/** What became of one recipient in one attempt. */
export interface RecipientOutcome {
  readonly address: string;
  /** `delivered`: the next hop took it; `refused`: a 5xx, final; `deferred`: a 4xx or no answer, tried again. */
  readonly result: 'delivered' | 'refused' | 'deferred';
  /** The reply as the next hop gave it (`550 5.1.1 …`), or why there was none: the DSN's diagnostic. */
  readonly reply: string;
}

/** The next hop for mail to other domains. */
export abstract class SmarthostTransport {
  /** `host:port`, for logs and the DSN's `Remote-MTA`. */
  abstract readonly name: string;
  /** Sends `raw` in one SMTP transaction; one outcome per recipient, never a throw. */
  abstract send(envelopeFrom: string | null, recipients: readonly string[], raw: Buffer): Promise<RecipientOutcome[]>;
  abstract close(): void;
}

/** Timeouts of one attempt (the claim's lease is longer than their sum). */
const CONNECTION_TIMEOUT_MS = 30_000;
const GREETING_TIMEOUT_MS = 30_000;
const SOCKET_TIMEOUT_MS = 120_000;
/** A lease outlasting one attempt at the smarthost with every timeout used up. */
export const OUTBOUND_LEASE_MS = 10 * 60_000;

interface SmtpError extends Error {
  responseCode?: number;
  response?: string;
  recipient?: string;
  code?: string;
  rejectedErrors?: SmtpError[];
}

/**
 * The smarthost through nodemailer's SMTP transport: a connection per attempt (no pool, so a
 * smarthost that comes back is used at once), STARTTLS as configured, the certificate always
 * verified, AUTH when configured. A 5xx for a recipient (RCPT) is final for it; a 5xx for the
 * message (MAIL FROM, DATA) for all; a 4xx, a timeout or a refused connection defers.
 */
export class NodemailerSmarthostTransport extends SmarthostTransport {
  readonly name: string;
  private readonly transporter: Transporter<SMTPTransport.SentMessageInfo>;

  constructor(config: SmarthostConfig, hostname: string) {
    super();
    this.name = `${config.host}:${config.port}`;
    this.transporter = nodemailer.createTransport({
      host: config.host,
      port: config.port,
      name: hostname,
      secure: config.tls === 'implicit',
      requireTLS: config.tls === 'required',
      opportunisticTLS: config.tls === 'opportunistic',
      auth: config.auth && { user: config.auth.user, pass: config.auth.password },
      tls: { ca: config.caFile === undefined ? undefined : readFileSync(config.caFile), minVersion: 'TLSv1.2' },
      connectionTimeout: CONNECTION_TIMEOUT_MS,
      greetingTimeout: GREETING_TIMEOUT_MS,
      socketTimeout: SOCKET_TIMEOUT_MS,
      logger: false,
      debug: false,
    });
  }

  async send(envelopeFrom: string | null, recipients: readonly string[], raw: Buffer): Promise<RecipientOutcome[]> {
    try {
      // `from: ''` is the null reverse-path (`MAIL FROM:<>`).
      const info = await this.transporter.sendMail({ envelope: { from: envelopeFrom ?? '', to: [...recipients] }, raw });
      const refused = new Map((info.rejectedErrors ?? []).map((e) => [recipientOf(e), e as SmtpError]));
      return recipients.map((address) => {
        const error = refused.get(address.toLowerCase());
        return error === undefined ? { address, result: 'delivered', reply: info.response } : outcomeOf(address, error);
      });
    } catch (caught) {
      const error = caught as SmtpError;
      // Every recipient refused at RCPT: each has its own reply.
      if (error.rejectedErrors && error.rejectedErrors.length > 0) {
        const refused = new Map(error.rejectedErrors.map((e) => [recipientOf(e), e]));
        return recipients.map((address) => outcomeOf(address, refused.get(address.toLowerCase()) ?? error));
      }
      return recipients.map((address) => outcomeOf(address, error));
    }
  }

  close(): void {
    this.transporter.close();
  }
}

function recipientOf(error: SmtpError): string {
  return String(error.recipient ?? '').toLowerCase();
}

/**
 * Only a 5xx about the mail itself (MAIL FROM, RCPT TO, DATA: nodemailer's `EENVELOPE` / `EMESSAGE`)
 * is final; a 5xx to AUTH or a failed STARTTLS is this side's configuration and defers, so fixing it
 * within the retry window loses nothing.
 */
function outcomeOf(address: string, error: SmtpError): RecipientOutcome {
  const code = error.responseCode;
  const aboutTheMail = error.code === 'EENVELOPE' || error.code === 'EMESSAGE';
  if (aboutTheMail && code !== undefined && code >= 500 && code < 600) return { address, result: 'refused', reply: replyText(error) };
  return { address, result: 'deferred', reply: replyText(error) };
}

function replyText(error: SmtpError): string {
  if (error.response) return error.response.replace(/\r?\n/g, ' ').slice(0, 1000);
  // No reply at all (refused connection, timeout, TLS failure): say so as an SMTP client would.
  return `no reply from the smarthost: ${error.code ? `${error.code} ` : ''}${error.message}`.slice(0, 1000);
}
