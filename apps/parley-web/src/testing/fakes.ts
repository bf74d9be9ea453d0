// Test doubles for the specs: a socket the test plays the server through, and a clock it moves.
import type { Clock, SocketLike } from '../presence-client';

export class FakeSocket implements SocketLike {
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  readonly sent: Record<string, unknown>[] = [];
  closedWith: { code?: number; reason?: string } | null = null;

  constructor(readonly url: string) {}

  send(data: string): void {
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }

  close(code?: number, reason?: string): void {
    this.closedWith = { code, reason };
  }

  /** The handshake completed and the server sent hello (as the real server does first). */
  accept(mailbox = 'alice@parley.test'): void {
    this.onopen?.({});
    this.receive({
      type: 'hello',
      protocolVersion: 1,
      serverVersion: '0.1.0',
      mailbox,
      endpointId: 'e1',
      limits: {
        maxFrameBytes: 65536,
        messagesPerSecond: 20,
        messageBurst: 40,
        maxSubscriptions: 1000,
        maxConnectionsPerUser: 10,
        maxSendBufferBytes: 1048576,
        pingIntervalMs: 30000,
        maxTargetsPerRequest: 1000,
        maxImChars: 8192,
      },
    });
  }

  receive(message: unknown): void {
    this.onmessage?.({ data: typeof message === 'string' ? message : JSON.stringify(message) });
  }

  serverClose(code: number, reason = ''): void {
    this.onclose?.({ code, reason });
  }

  lastSent(): Record<string, unknown> {
    const last = this.sent[this.sent.length - 1];
    if (!last) throw new Error('nothing sent');
    return last;
  }
}

export class FakeClock implements Clock {
  private time = Date.UTC(2026, 11, 3, 9, 0, 0);
  private timers: { at: number; callback: () => void; id: number }[] = [];
  private nextId = 1;
  randomValue = 0.5;

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.push({ at: this.time + ms, callback, id });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }

  random(): number {
    return this.randomValue;
  }

  get pending(): number {
    return this.timers.length;
  }

  /** Moves time forward, running the timers that fall due in order. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.time = due.at;
      due.callback();
    }
    this.time = end;
  }
}

/** Lets promise callbacks run (the client answers the session check asynchronously). */
export async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}
