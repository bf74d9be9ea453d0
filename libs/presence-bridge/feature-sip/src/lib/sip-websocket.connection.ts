import { parseSipMessage, SipParseError } from '@parley/presence-bridge/sip';
import type { RawData, WebSocket } from 'ws';
import { SipConnection, type SipConnectionHost, sentByOf } from './sip-connection';

/** WebSocket close codes this front sends (RFC 6455 §7.4.1). */
const GOING_AWAY = 1001;
const POLICY_VIOLATION = 1008;

/** SIP over WebSocket (RFC 7118 §5): one whole message per frame, text or binary, no Content-Length needed. */
export class SipWebSocketConnection extends SipConnection {
  constructor(
    private readonly ws: WebSocket,
    clientAddress: string,
    host: SipConnectionHost,
    /** The HTTP connection's local end, for the Via of requests sent here. */
    private readonly local: { address?: string; port?: number } = {},
  ) {
    super('WS', clientAddress, host);
    ws.on('message', (data: RawData) => this.onFrame(data));
    ws.on('error', () => ws.terminate());
    ws.on('close', () => this.markEnded());
  }

  protected get localSentBy(): string {
    return sentByOf(this.local.address, this.local.port);
  }

  protected get pendingBytes(): number {
    return this.ws.bufferedAmount;
  }

  protected write(bytes: Buffer): void {
    // A text frame: the messages this front writes are UTF-8 (RFC 7118 §5.3 lets either kind carry them).
    this.ws.send(bytes.toString('utf8'));
  }

  protected shutdown(): void {
    this.ws.close(POLICY_VIOLATION);
  }

  /** Closes as a server going away (clients reconnect, to another replica). */
  goAway(): void {
    if (this.isOpen) this.ws.close(GOING_AWAY);
  }

  destroy(): void {
    this.ws.terminate();
  }

  private onFrame(data: RawData): void {
    if (!this.isOpen) return;
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer);
    try {
      this.receive(parseSipMessage(bytes, { framing: 'message' }));
    } catch (error) {
      if (!(error instanceof SipParseError)) throw error;
      this.refuse(error);
    }
  }
}
