import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { ENHANCED_STATUS_CODE, SmtpReplies } from './smtp-reply';

/** The three ways in (docs/smtp.md): submission with STARTTLS, submission over implicit TLS, the trusted relay. */
export type SmtpListenerKind = 'submission' | 'implicit-tls' | 'relay';

type ReplyData = string | string[] | undefined;
type ReplyContext = string | false | undefined;

/** What the listener touches of smtp-server's per-connection object (not in its public types). */
interface ConnectionReplies {
  secure: boolean;
  readonly session: { readonly id: string };
  send(code: number, data?: ReplyData, context?: ReplyContext): void;
}

/** Where a session stands at shutdown (`SmtpSessions.shutdownStateOf`). */
export interface SessionsAtShutdown {
  shutdownStateOf(sessionId: string): 'receiving' | 'storing' | 'idle';
  cutOff(sessionId: string): void;
}

/**
 * smtp-server with Parley's replies: its own texts keep the enhanced status codes it derives, the
 * front's texts carry theirs (`SmtpReply`), and the two cases where its defaults differ from what
 * submission clients are promised are rewritten — AUTH and MAIL before STARTTLS are `530 5.7.0`
 * (smtp-server says `538` to AUTH, and "authentication required" to MAIL).
 */
export class SmtpListener extends SMTPServer {
  constructor(
    readonly kind: SmtpListenerKind,
    options: SMTPServerOptions,
    /** Told every reply code the listener sends (metrics). */
    private readonly onReply: (code: number) => void = () => undefined,
  ) {
    super(options);
  }

  override connect(socket: Socket | TLSSocket, socketOptions?: Parameters<SMTPServer['connect']>[1]): void {
    super.connect(socket, socketOptions);
    // The connection just made is the last one added (a Set iterates in insertion order).
    let connection: unknown;
    for (const c of this.connections) connection = c;
    if (connection) this.rewriteReplies(connection as ConnectionReplies);
  }

  /**
   * One pass of the shutdown over the open sessions: a session receiving a message is cut off with
   * `421 4.3.2` and its message dropped, one between transactions gets `421 4.3.2` and is closed,
   * one storing a message is left to send its `250` (a later pass closes it). A `421` makes
   * smtp-server close the connection. Returns how many sessions are still open.
   */
  refuseSessions(sessions: SessionsAtShutdown): number {
    const reply = SmtpReplies.shuttingDown();
    for (const connection of [...this.connections] as ConnectionReplies[]) {
      const id = connection.session.id;
      const state = sessions.shutdownStateOf(id);
      if (state === 'storing') continue;
      if (state === 'receiving') sessions.cutOff(id);
      connection.send(reply.responseCode, reply.message, false);
    }
    return this.connections.size;
  }

  private rewriteReplies(connection: ConnectionReplies): void {
    const send = connection.send.bind(connection);
    const startTlsRequired = this.kind === 'submission';
    connection.send = (code: number, data?: ReplyData, context?: ReplyContext) => {
      this.onReply(code === 538 ? 530 : code);
      if (code === 538 || (code === 530 && startTlsRequired && !connection.secure)) {
        const reply = SmtpReplies.startTlsFirst();
        return send(reply.responseCode, reply.message, false);
      }
      if (typeof data === 'string' && ENHANCED_STATUS_CODE.test(data)) return send(code, data, false);
      return send(code, data, context);
    };
  }
}
