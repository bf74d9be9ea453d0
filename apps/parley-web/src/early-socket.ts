import type { SocketLike } from './presence-client';

type SocketEvent = ['open', unknown] | ['message', { data: unknown }] | ['close', { code: number; reason: string }] | ['error', unknown];

/**
 * A socket opened before anyone listens to it: at page load the presence WebSocket is opened
 * together with the session read (the cookie signs both in), and its owner, the `PresenceClient`,
 * only exists once the session is known. Events that arrive meanwhile (the handshake, `hello`, the
 * first snapshot) are kept and handed over, in order, once `release()` is called after the owner
 * set its handlers. Saves the session read's round trip from the first view (bench:web).
 */
export class EarlySocket implements SocketLike {
  onopen: SocketLike['onopen'] = null;
  onmessage: SocketLike['onmessage'] = null;
  onclose: SocketLike['onclose'] = null;
  onerror: SocketLike['onerror'] = null;
  private held: SocketEvent[] | null = [];

  constructor(private readonly socket: SocketLike) {
    socket.onopen = (event) => this.deliver(['open', event]);
    socket.onmessage = (event) => this.deliver(['message', event]);
    socket.onclose = (event) => this.deliver(['close', event]);
    socket.onerror = (event) => this.deliver(['error', event]);
  }

  send(data: string): void {
    this.socket.send(data);
  }

  close(code?: number, reason?: string): void {
    this.socket.close(code, reason);
  }

  /** Hands the events held so far to the handlers now set, and every later one as it comes. */
  release(): void {
    const held = this.held ?? [];
    this.held = null;
    for (const event of held) this.dispatch(event);
  }

  private deliver(event: SocketEvent): void {
    if (this.held) this.held.push(event);
    else this.dispatch(event);
  }

  private dispatch([kind, event]: SocketEvent): void {
    switch (kind) {
      case 'open':
        return this.onopen?.(event);
      case 'message':
        return this.onmessage?.(event);
      case 'close':
        return this.onclose?.(event);
      case 'error':
        return this.onerror?.(event);
    }
  }
}
