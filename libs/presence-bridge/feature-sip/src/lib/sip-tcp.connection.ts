import type { Socket } from 'node:net';
import { SipParseError, SipStreamFramer } from '@parley/presence-bridge/sip';
import { SipConnection, type SipConnectionHost, sentByOf } from './sip-connection';

const PONG = Buffer.from('\r\n');

/**
 * SIP over TCP (RFC 3261 §18.3): the stream is cut into messages by Content-Length; a CRLFCRLF ping gets a CRLF pong.
 * Over a `TLSSocket` the same stream is SIP over TLS (§26.2, Via transport `TLS`): TLS changes nothing above the bytes.
 */
export class SipTcpConnection extends SipConnection {
  private readonly framer = new SipStreamFramer();

  constructor(
    private readonly socket: Socket,
    clientAddress: string,
    host: SipConnectionHost,
    transport: 'TCP' | 'TLS' = 'TCP',
  ) {
    super(transport, clientAddress, host);
    socket.setNoDelay(true);
    socket.setTimeout(host.idleTimeoutMs, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.markEnded());
  }

  protected get localSentBy(): string {
    return sentByOf(this.socket.localAddress, this.socket.localPort);
  }

  protected get pendingBytes(): number {
    return this.socket.writableLength;
  }

  protected write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  protected shutdown(): void {
    // Half-close: whatever was written (a last 400) still reaches the client; a peer that never closes is destroyed.
    this.socket.end();
    this.socket.setTimeout(2_000, () => this.socket.destroy());
  }

  destroy(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    if (!this.isOpen || this.socket.writableEnded) return;
    let events;
    try {
      events = this.framer.push(chunk);
    } catch (error) {
      // The framer lost the message boundaries: answer if the head was readable (413/513), then close.
      if (!(error instanceof SipParseError)) throw error;
      this.refuse(error);
      this.closeAfterPending();
      return;
    }
    for (const event of events) {
      if (event.kind === 'ping') this.write(PONG);
      else if (event.kind === 'invalid') this.refuse(event.error);
      else this.receive(event.message);
    }
  }
}
