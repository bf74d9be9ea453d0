// Real SIP clients in Node for the end-to-end cases: JsSIP (REGISTER, SUBSCRIBE/NOTIFY, MESSAGE) and,
// for PUBLISH, which JsSIP's API lacks, sip.js's Publisher. Both speak SIP over WebSocket (RFC 7118)
// with digest sign-in. What they receive is kept with the instant it arrived, so that a case can wait
// for it; the bodies are read here with a general XML parser, not with Parley's own codecs.
import { waitFor } from '@parley/testing';
import { XMLParser } from 'fast-xml-parser';
import * as JsSIP from 'jssip';
import type { Subscriber } from 'jssip/lib/Subscriber';
import type { IncomingMessageListener } from 'jssip/lib/UA';
import { Publisher, PublisherState, Registerer, RegistererState, UserAgent } from 'sip.js';

/** One NOTIFY as JsSIP's Subscriber reports it. */
export interface Notified {
  final: boolean;
  /** The Subscription-State header (`active;expires=3600`). */
  state: string;
  contentType: string | undefined;
  body: string;
  receivedAt: number;
}

/** An IM a JsSIP user received as a MESSAGE. */
export interface ReceivedSipMessage {
  from: string;
  contentType: string | undefined;
  body: string;
  receivedAt: number;
}

/** A JsSIP subscription (RFC 6665) and the NOTIFYs it got, in order. */
export class SipWatch {
  readonly notified: Notified[] = [];
  private readonly terminated: Promise<string>;

  constructor(private readonly subscriber: Subscriber) {
    subscriber.on('notify', (final, request, body, contentType) =>
      this.notified.push({ final, state: request.getHeader('Subscription-State'), contentType, body: body ?? '', receivedAt: Date.now() }),
    );
    this.terminated = new Promise((resolve) => subscriber.on('terminated', (_code, reason) => resolve(reason ?? 'none')));
    subscriber.subscribe();
  }

  /** The first NOTIFY at index `from` or later that `matches`, waiting for it. */
  next(matches: (n: Notified) => boolean, opts: { from?: number; timeoutMs?: number; what?: string } = {}): Promise<Notified> {
    return waitFor(() => this.notified.slice(opts.from ?? 0).find(matches), {
      timeoutMs: opts.timeoutMs ?? 10_000,
      intervalMs: 5,
      what: opts.what ?? 'a NOTIFY',
    });
  }

  /** The number of NOTIFYs so far: a mark for `next({ from })`. */
  get mark(): number {
    return this.notified.length;
  }

  /** Unsubscribes (Expires: 0) and waits for the subscription's end; resolves with JsSIP's reason. */
  async terminate(timeoutMs = 10_000): Promise<string> {
    this.subscriber.terminate();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<string>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error('the subscription did not end')), timeoutMs);
    });
    try {
      return await Promise.race([this.terminated, late]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** A JsSIP user agent signed in as one user over SIP WebSocket, registered or not. */
export class JsSipUser {
  readonly messages: ReceivedSipMessage[] = [];
  private readonly watches: SipWatch[] = [];

  private constructor(
    private readonly ua: JsSIP.UA,
    readonly address: string,
  ) {
    const onMessage: IncomingMessageListener = (e) => {
      if (e.originator !== 'remote') return;
      const request = e.request;
      this.messages.push({
        from: String(request.from.uri),
        contentType: request.getHeader('Content-Type'),
        body: request.body ?? '',
        receivedAt: Date.now(),
      });
    };
    ua.on('newMessage', onMessage);
  }

  /**
   * Connects to `url` as `address` (digest user name = the address, as docs/sip.md says) and, with
   * `register`, registers; rejects with the status of a refused REGISTER.
   */
  static async start(url: string, address: string, password: string, opts: { register: boolean }): Promise<JsSipUser> {
    const ua = new JsSIP.UA({
      sockets: [new JsSIP.WebSocketInterface(url)],
      uri: `sip:${address}`,
      authorization_user: address,
      password,
      register: opts.register,
      register_expires: 300,
      // No reconnection loop once a case stopped it.
      connection_recovery_min_interval: 60,
      connection_recovery_max_interval: 60,
    });
    const user = new JsSipUser(ua, address);
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`JsSIP (${address}) neither ${opts.register ? 'registered' : 'connected'} nor failed`)),
          15_000,
        );
        const done = (error?: Error) => {
          clearTimeout(timer);
          if (error) reject(error);
          else resolve();
        };
        if (opts.register) {
          ua.on('registered', () => done());
          ua.on('registrationFailed', (e) => done(new Error(`registration refused: ${e.response?.status_code ?? e.cause ?? 'unknown'}`)));
        } else ua.on('connected', () => done());
        ua.start();
      });
    } catch (error) {
      await user.stop();
      throw error;
    }
    return user;
  }

  /** Subscribes to `event` of `target` (an address) with `accept` as its Accept. */
  subscribe(target: string, event: 'presence' | 'message-summary', accept: string): SipWatch {
    const watch = new SipWatch(this.ua.subscribe(`sip:${target}`, event, accept, { expires: 600, contentType: accept }));
    this.watches.push(watch);
    return watch;
  }

  /** Sends `text` as a MESSAGE (text/plain) to `to`; resolves with the final status (200, 480 …). */
  sendMessage(to: string, text: string): Promise<number> {
    return new Promise((resolve) => {
      this.ua.sendMessage(`sip:${to}`, text, {
        contentType: 'text/plain;charset=UTF-8',
        eventHandlers: {
          succeeded: (e) => resolve(e.response.status_code),
          failed: (e) => resolve(e.response?.status_code ?? 0),
        },
      });
    });
  }

  /** The first received MESSAGE at index `from` or later that `matches`, waiting for it. */
  nextMessage(matches: (m: ReceivedSipMessage) => boolean, opts: { from?: number; timeoutMs?: number } = {}): Promise<ReceivedSipMessage> {
    return waitFor(() => this.messages.slice(opts.from ?? 0).find(matches), {
      timeoutMs: opts.timeoutMs ?? 10_000,
      intervalMs: 5,
      what: `a MESSAGE to ${this.address}`,
    });
  }

  /** Ends its subscriptions (their refresh timers would outlive the socket), unregisters and disconnects. */
  async stop(): Promise<void> {
    await Promise.all(this.watches.map((w) => w.terminate().catch(() => undefined)));
    if (!this.ua.isConnected()) {
      this.ua.stop();
      return;
    }
    const disconnected = new Promise<void>((resolve) => this.ua.on('disconnected', () => resolve()));
    this.ua.stop();
    await Promise.race([disconnected, new Promise((r) => setTimeout(r, 5_000))]);
  }
}

/** A sip.js user agent, registered, that publishes its presence (RFC 3903) with a Publisher. */
export class SipJsPublisher {
  readonly states: PublisherState[] = [];

  private constructor(
    private readonly ua: UserAgent,
    private readonly registerer: Registerer,
    private readonly publisher: Publisher,
  ) {
    publisher.stateChange.addListener((state) => this.states.push(state));
  }

  static async start(url: string, address: string, password: string): Promise<SipJsPublisher> {
    const uri = UserAgent.makeURI(`sip:${address}`);
    if (uri === undefined) throw new Error(`not a SIP URI: sip:${address}`);
    const ua = new UserAgent({
      uri,
      transportOptions: { server: url },
      authorizationUsername: address,
      authorizationPassword: password,
      logLevel: 'error',
    });
    await ua.start();
    const registerer = new Registerer(ua, { expires: 300 });
    const registered = new Promise<void>((resolve) =>
      registerer.stateChange.addListener((state) => {
        if (state === RegistererState.Registered) resolve();
      }),
    );
    await registerer.register();
    await waitForPromise(registered, 15_000, `sip.js (${address}) to register`);
    return new SipJsPublisher(ua, registerer, new Publisher(ua, uri, 'presence', { contentType: 'application/pidf+xml', expires: 300 }));
  }

  /** Publishes `pidf` (a new publication, or a modification of the current one) and waits for its 200. */
  async publish(pidf: string): Promise<void> {
    const mark = this.states.length;
    await this.publisher.publish(pidf);
    await waitFor(() => this.states.slice(mark).find((s) => s === PublisherState.Published || s === PublisherState.Terminated), {
      what: 'the PUBLISH to be answered',
    });
    if (this.states.at(-1) !== PublisherState.Published) throw new Error(`the PUBLISH was refused (publisher ${this.states.at(-1)})`);
  }

  /** Removes the publication (Expires: 0) and waits for its 200. */
  async unpublish(): Promise<void> {
    const mark = this.states.length;
    await this.publisher.unpublish();
    await waitFor(() => this.states.slice(mark).includes(PublisherState.Unpublished), { what: 'the publication to be removed' });
  }

  async stop(): Promise<void> {
    await this.publisher.dispose().catch(() => undefined);
    await this.registerer.unregister().catch(() => undefined);
    await this.ua.stop();
  }
}

function waitForPromise<T>(work: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work,
    new Promise<T>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** A PIDF document as a SIP client publishes one: an open tuple, an RPID activity, a person's note (RFC 3863, 4479, 4480). */
export function clientPidf(address: string, opts: { activity?: string; note?: string } = {}): string {
  const activity = opts.activity === undefined ? '' : `<rpid:activities><rpid:${opts.activity}/></rpid:activities>`;
  const note = opts.note === undefined ? '' : `<dm:note>${opts.note}</dm:note>`;
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" ' +
    `xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid" entity="sip:${address}">` +
    `<tuple id="softphone"><status><basic>open</basic></status><contact>sip:${address}</contact></tuple>` +
    `<dm:person id="p">${activity}${note}</dm:person></presence>`
  );
}

/** What a watcher reads from a PIDF body, by the standard elements only. */
export interface PidfReading {
  entity: string;
  /** Every tuple's `basic`. */
  basic: string[];
  /** The RPID activities of the person, in document order (`['meeting', 'busy']`). */
  activities: string[];
  /** The activities' `until`, when given. */
  until: string | undefined;
  /** The document's `<note>`s. */
  notes: string[];
}

const pidfParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  isArray: (name, _path, _leaf, isAttribute) => !isAttribute && ['tuple', 'note'].includes(name),
});

/** Reads a PIDF body (RFC 3863 with RPID) as a client does, with a general XML parser and the namespaces' local names. */
export function readPidf(body: string): PidfReading {
  type Element = Record<string, unknown>;
  const doc = pidfParser.parse(body) as { presence?: Element };
  const presence = doc.presence;
  if (!presence) throw new Error(`not a PIDF document: ${body}`);
  const tuples = (presence['tuple'] as Element[] | undefined) ?? [];
  const person = presence['person'] as Element | undefined;
  const activities = person?.['activities'] as Element | string | undefined;
  const text = (n: unknown) => (typeof n === 'object' && n !== null ? String((n as Element)['#text'] ?? '') : String(n));
  return {
    entity: String(presence['@entity']),
    basic: tuples.map((t) => String((t['status'] as Element | undefined)?.['basic'])),
    activities: typeof activities === 'object' ? Object.keys(activities).filter((k) => !k.startsWith('@') && k !== '#text') : [],
    until: typeof activities === 'object' ? (activities['@until'] as string | undefined) : undefined,
    notes: ((presence['note'] as unknown[] | undefined) ?? []).map(text),
  };
}

/** Reads an `application/simple-message-summary` body (RFC 3842): the status line and the voice-message counts. */
export function readMessageSummary(body: string): { waiting: string; account: string | undefined; voice: string | undefined } {
  const header = (name: string) =>
    body
      .split(/\r?\n/)
      .map((line) => /^([^:]+):\s*(.*)$/.exec(line))
      .find((m) => m?.[1].trim().toLowerCase() === name)?.[2]
      .trim();
  return { waiting: header('messages-waiting') ?? '', account: header('message-account'), voice: header('voice-message') };
}
