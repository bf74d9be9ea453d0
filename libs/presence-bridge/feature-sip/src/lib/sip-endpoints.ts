import { Logger } from '@nestjs/common';
import {
  type EndpointHandle,
  type ImReceiver,
  type InstantMessage,
  type InstantMessaging,
  PresenceCoreErrorCode,
  PresenceCoreException,
  type PresenceEndpoints,
} from '@parley/presence-bridge/feature-presence';
import { newTag } from '@parley/presence-bridge/sip';
import { randomUUID } from 'node:crypto';
import type { SipConnection } from './sip-connection';
import type { RegisterOutcome, RegisterRequest, SipBinding, SipRegistrar } from './sip-registrar';

/** A REGISTER that the registrar accepted but the presence core refused an endpoint for (its per-user limit). */
export type SipEndpointRegisterOutcome = RegisterOutcome | { readonly kind: 'too-many-endpoints'; readonly reason: string };

/** A registered binding's life in the presence core: its endpoint, its IM attachment, the timer of its expiry. */
interface HeldEndpoint {
  binding: SipBinding;
  readonly handle: EndpointHandle;
  detach: () => void;
  timer: NodeJS.Timeout | undefined;
  /** The MESSAGEs taken for this binding, sent in the order the core handed them over. */
  outbound: Promise<void>;
}

/** Slack after a binding's expiry before it is checked (the registrar compares against the clock). */
const EXPIRY_SLACK_MS = 20;

/**
 * Registered SIP endpoints as presence endpoints and IM receivers: every live REGISTER binding is an endpoint of its
 * user in the presence core (PresenceEndpoints.connect) while it lives, and is attached for IM, so an IM to the user is
 * sent to the binding's Contact as a MESSAGE over the connection it registered on. The endpoints follow the registrar:
 * after each REGISTER, when a binding expires, and when a connection closes. Changes for one user are made one at a
 * time, so two connections registering at once cannot leave an endpoint without a binding or the reverse.
 */
export class SipEndpoints {
  private readonly logger = new Logger('SipEndpoints');
  /** aor → binding id → what is held in the core for it. */
  private readonly held = new Map<string, Map<string, HeldEndpoint>>();
  /** The work queued per user (connecting and closing endpoints). */
  private readonly queues = new Map<string, Promise<unknown>>();
  private stopped = false;

  constructor(
    private readonly core: { readonly endpoints: PresenceEndpoints; readonly ims: InstantMessaging },
    private readonly registrar: SipRegistrar,
    /** The open connection with this id, if any. */
    private readonly connectionOf: (id: string) => SipConnection | undefined,
    /** A user's SIP URI (SipIdentities), which an IM's From and To name. */
    private readonly sipUriOf: (address: string) => Promise<string> = async (address) => `sip:${address}`,
  ) {}

  /** Endpoints held in the core for SIP bindings on this replica (metrics, tests). */
  get size(): number {
    let count = 0;
    for (const endpoints of this.held.values()) count += endpoints.size;
    return count;
  }

  /**
   * Applies a REGISTER and brings the user's endpoints in line: new bindings connect (`label` names the client), removed
   * ones close. When the core refuses an endpoint, or fails, the REGISTER is undone as a whole, as the registrar would
   * have refused it.
   */
  register(request: RegisterRequest, label: string): Promise<SipEndpointRegisterOutcome> {
    return this.exclusive(request.aor, async () => {
      const before = this.registrar.bindingsOf(request.aor);
      const outcome = this.registrar.register(request);
      if (outcome.kind !== 'ok') return outcome;
      try {
        await this.sync(request.aor, label);
      } catch (error) {
        this.registrar.restore(request.aor, before);
        await this.sync(request.aor, label);
        if (error instanceof PresenceCoreException && error.code === PresenceCoreErrorCode.TooManyEndpoints) {
          return { kind: 'too-many-endpoints', reason: error.message };
        }
        throw error;
      }
      return outcome;
    });
  }

  /** A request of `user` over `connectionId`: activity of the user's endpoints registered over that connection. */
  activity(user: string, connectionId: string): void {
    const endpoints = this.held.get(user);
    if (endpoints === undefined) return;
    const now = new Date();
    for (const endpoint of endpoints.values()) if (endpoint.binding.connectionId === connectionId) endpoint.handle.reportActivity(now);
  }

  /** After the registrar dropped the connection's bindings: their endpoints close. */
  connectionClosed(connectionId: string): Promise<void> {
    const users = [...this.held].filter(([, endpoints]) => [...endpoints.values()].some((e) => e.binding.connectionId === connectionId));
    return Promise.all(users.map(([aor]) => this.exclusive(aor, () => this.sync(aor, '')))).then(() => undefined);
  }

  /** Shutdown: no more timers; every endpoint still held closes (the core would remove them with its lease anyway). */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.queues.values()].map((queued) => queued.catch(() => undefined)));
    const all = [...this.held.values()].flatMap((endpoints) => [...endpoints.values()]);
    this.held.clear();
    await Promise.all(all.map((endpoint) => this.release(endpoint)));
  }

  /** Connects the live bindings of `aor` that have no endpoint and closes the endpoints whose binding is gone. */
  private async sync(aor: string, label: string): Promise<void> {
    const live = new Map(this.registrar.bindingsOf(aor).map((binding) => [binding.id, binding]));
    let endpoints = this.held.get(aor);
    for (const [id, endpoint] of [...(endpoints ?? [])]) {
      if (live.has(id)) continue;
      endpoints?.delete(id);
      await this.release(endpoint);
    }
    for (const binding of live.values()) {
      const known = endpoints?.get(binding.id);
      if (known !== undefined) {
        known.binding = binding;
        this.armExpiry(known);
        continue;
      }
      if (this.stopped) break;
      const handle = await this.core.endpoints.connect(aor, { label });
      const endpoint: HeldEndpoint = { binding, handle, detach: noop, timer: undefined, outbound: Promise.resolve() };
      endpoints ??= new Map();
      this.held.set(aor, endpoints);
      endpoints.set(binding.id, endpoint);
      endpoint.detach = this.core.ims.attach(aor, handle.endpointId, this.receiverFor(endpoint));
      this.armExpiry(endpoint);
    }
    if (endpoints !== undefined && endpoints.size === 0 && this.held.get(aor) === endpoints) this.held.delete(aor);
  }

  private armExpiry(endpoint: HeldEndpoint): void {
    if (endpoint.timer !== undefined) clearTimeout(endpoint.timer);
    if (this.stopped) return;
    const { aor, expiresAt } = endpoint.binding;
    endpoint.timer = setTimeout(
      () => {
        endpoint.timer = undefined;
        void this.exclusive(aor, () => this.sync(aor, '')).catch((error: unknown) =>
          this.logger.warn(`SIP endpoints of ${aor} could not follow an expired binding: ${String(error)}`),
        );
      },
      Math.max(0, expiresAt - Date.now()) + EXPIRY_SLACK_MS,
    );
    endpoint.timer.unref();
  }

  private async release(endpoint: HeldEndpoint): Promise<void> {
    if (endpoint.timer !== undefined) clearTimeout(endpoint.timer);
    endpoint.timer = undefined;
    endpoint.detach();
    // The core logs and retries a removal that fails; nothing is left for this front to do.
    await endpoint.handle.close();
  }

  /**
   * What the core hands an IM for this binding to: a MESSAGE (RFC 3428) to its Contact over its connection. Taking it
   * means writing it; with the connection gone or full it is refused (throws), so the core does not count it as
   * delivered. The client's answer comes later and is only logged when it is an error.
   */
  private receiverFor(endpoint: HeldEndpoint): ImReceiver {
    return {
      message: (im: InstantMessage) => {
        const { binding } = endpoint;
        const connection = this.connectionOf(binding.connectionId);
        if (connection === undefined || !connection.isOpen || !connection.clientTransactions.hasRoom) {
          throw new Error(`the SIP connection of ${binding.aor}'s binding is gone or full`);
        }
        // From and To are the users' SIP URIs, which takes a (usually remembered) directory lookup: the MESSAGEs of one
        // binding wait for each other, so they still leave in the order the IMs came.
        endpoint.outbound = endpoint.outbound
          .then(() => this.sendIm(connection, binding, im))
          .catch((error: unknown) =>
            this.logger.warn(`an IM from ${im.from} to ${binding.aor}'s SIP client was not sent: ${String(error)}`),
          );
      },
      // SIP clients learn of typing by RFC 3994 isComposing, which this front does not send (docs/sip.md).
      typing: noop,
    };
  }

  /** Writes the MESSAGE once the URIs are known; the client's answer is not waited for (only logged when an error). */
  private async sendIm(connection: SipConnection, binding: SipBinding, im: InstantMessage): Promise<void> {
    const [from, to] = await Promise.all([this.sipUriOf(im.from), this.sipUriOf(binding.aor)]);
    void connection
      .request({
        method: 'MESSAGE',
        uri: binding.contact.uri,
        headers: [
          ['From', `<${from}>;tag=${newTag()}`],
          ['To', `<${to}>`],
          ['Call-ID', randomUUID()],
          ['CSeq', '1 MESSAGE'],
          ['Date', new Date(im.sentAt).toUTCString()],
        ],
        contentType: 'text/plain;charset=UTF-8',
        body: im.text,
      })
      .then((outcome) => {
        if (outcome.kind === 'response' && outcome.response.status < 300) return;
        const how = outcome.kind === 'response' ? `answered ${outcome.response.status}` : outcome.kind;
        this.logger.warn(`an IM from ${im.from} to ${binding.aor}'s SIP client was not accepted: ${how}`);
      });
  }

  private exclusive<T>(aor: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(aor) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(work);
    this.queues.set(aor, next);
    void next
      .catch(() => undefined)
      .then(() => {
        if (this.queues.get(aor) === next) this.queues.delete(aor);
      });
    return next;
  }
}

function noop(): void {
  // Typing notices are not sent to SIP clients; a detach before attaching has nothing to undo.
}
