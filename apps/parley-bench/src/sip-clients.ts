// `main.js sip-clients`: every SIP connection of a `bench sip` run, in a process of its own so that
// the load generator does not share the server's event loop. The orchestrator asks for one phase
// at a time: REGISTER or SUBSCRIBE throughput, then the watchers and the presentity's PUBLISHes.
import { formatUri, type SipRequest, type SipResponse } from '@parley/presence-bridge/sip';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  type PhaseRefusal,
  replyToOrchestrator,
  sipBenchAddress,
  type SipBenchTarget,
  type SipClientsRequest,
  type ThroughputRequest,
  type ThroughputResult,
} from './sip-bench-ipc';
import { SipLoadAgent, SipTransactionTimeout } from './sip-load-agent';

/** Connections opened (and watchers subscribed) at once while setting up. */
const SETUP_CONCURRENCY = 100;
/** Lifetime asked for registrations and subscriptions (the servers' default maximum). */
const EXPIRES = 3600;
const PIDF = 'application/pidf+xml';

/** A final response that means the server will not do this at all (as opposed to an overload to count). */
class Refused extends Error {
  constructor(readonly refusal: PhaseRefusal) {
    super(`${refusal.method}: ${refusal.status} ${refusal.reason}`);
  }
}

/** Retryable outcomes are counted as failures; anything else ends the phase as a refusal. */
const COUNTED_FAILURES = new Set([408, 480, 500, 503, 504]);

function expectSuccess(method: string, response: SipResponse): SipResponse {
  if (response.status >= 200 && response.status < 300) return response;
  if (COUNTED_FAILURES.has(response.status)) throw new CountedFailure(String(response.status));
  throw new Refused({ method, status: response.status, reason: response.reason });
}

class CountedFailure extends Error {}

/** Every request from the server to one agent goes to the listener of its dialog (by Call-ID). */
class DialogRequests {
  private readonly listeners = new Map<string, (request: SipRequest) => void>();

  constructor(agent: SipLoadAgent) {
    agent.onRequest = (request) => this.listeners.get(request.callId())?.(request);
  }

  listen(callId: string, listener: (request: SipRequest) => void): void {
    this.listeners.set(callId, listener);
  }

  /** Resolves with the first request of the dialog that `accept` takes; rejects after `timeoutMs`. */
  next(callId: string, accept: (request: SipRequest) => boolean, timeoutMs: number): Promise<SipRequest> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(callId);
        reject(new SipTransactionTimeout(`no NOTIFY within ${timeoutMs} ms`));
      }, timeoutMs);
      this.listen(callId, (request) => {
        if (!accept(request)) return;
        clearTimeout(timer);
        this.listeners.delete(callId);
        resolve(request);
      });
    });
  }

  forget(callId: string): void {
    this.listeners.delete(callId);
  }
}

const isNotify = (state: 'active' | 'terminated') => (request: SipRequest) =>
  request.method === 'NOTIFY' &&
  (state === 'terminated'
    ? (request.headers.get('Subscription-State') ?? '').toLowerCase().startsWith('terminated')
    : !(request.headers.get('Subscription-State') ?? '').toLowerCase().startsWith('terminated'));

/** A subscription's dialog as the subscriber keeps it (RFC 6665 §4.1.2, RFC 3261 §12.1.2). */
interface SubscriptionDialog {
  callId: string;
  fromTag: string;
  to: string;
  remoteTarget: string;
  routes: string[];
  cseq: number;
}

/**
 * SUBSCRIBE to `presentity`'s presence with digest; resolves once the 2xx and the first NOTIFY have
 * both arrived (RFC 6665 lets the NOTIFY come first).
 */
async function subscribe(
  agent: SipLoadAgent,
  requests: DialogRequests,
  presentity: string,
  expires: number,
): Promise<{ dialog: SubscriptionDialog; notify: SipRequest }> {
  const callId = randomBytes(12).toString('hex');
  const fromTag = randomBytes(6).toString('hex');
  const notified = requests.next(callId, isNotify('active'), 32_000);
  notified.catch(() => undefined);
  let response: SipResponse;
  try {
    response = expectSuccess(
      'SUBSCRIBE',
      await agent.send(
        {
          method: 'SUBSCRIBE',
          uri: `sip:${presentity}`,
          to: `<sip:${presentity}>`,
          fromTag,
          callId,
          headers: [
            ['Contact', agent.contact],
            ['Event', 'presence'],
            ['Accept', PIDF],
            ['Expires', String(expires)],
          ],
        },
        { authenticate: true },
      ),
    );
  } catch (error) {
    requests.forget(callId);
    throw error;
  }
  const contact = response.contacts();
  const toTag = response.to().params.get('tag');
  if (contact === '*' || contact.length === 0 || !toTag)
    throw new Refused({ method: 'SUBSCRIBE', status: response.status, reason: 'a 2xx without Contact or To tag' });
  const dialog: SubscriptionDialog = {
    callId,
    fromTag,
    to: `<sip:${presentity}>;tag=${toTag}`,
    remoteTarget: formatUri(contact[0].uri),
    routes: response.headers.list('Record-Route').reverse(),
    cseq: response.cseq().seq,
  };
  return { dialog, notify: await notified };
}

/** Ends a subscription (SUBSCRIBE with Expires: 0 in its dialog, the last nonce answered again) and waits for the final NOTIFY. */
async function unsubscribe(agent: SipLoadAgent, requests: DialogRequests, dialog: SubscriptionDialog): Promise<void> {
  const terminated = requests.next(dialog.callId, isNotify('terminated'), 32_000);
  terminated.catch(() => undefined);
  try {
    const response = await agent.send(
      {
        method: 'SUBSCRIBE',
        uri: dialog.remoteTarget,
        to: dialog.to,
        fromTag: dialog.fromTag,
        callId: dialog.callId,
        cseq: dialog.cseq + 1,
        headers: [
          ...dialog.routes.map((route): [string, string] => ['Route', route]),
          ['Contact', agent.contact],
          ['Event', 'presence'],
          ['Accept', PIDF],
          ['Expires', '0'],
        ],
      },
      { authenticate: true, reuseNonce: true },
    );
    expectSuccess('SUBSCRIBE (Expires: 0)', response);
  } catch (error) {
    requests.forget(dialog.callId);
    throw error;
  }
  await terminated;
}

function openAgent(target: SipBenchTarget, user: number): Promise<SipLoadAgent> {
  return SipLoadAgent.open({
    host: target.host,
    port: target.port,
    localAddress: clientAddress(user),
    account: { address: sipBenchAddress(target, user), password: target.password },
    requestsPerSecond: target.requestsPerSecond,
  });
}

/**
 * The loopback address user i connects from: 250 of them (127.0.1.0–127.0.1.249), as users come from
 * many addresses; servers cap connections per client address (Parley: 100 by default).
 */
function clientAddress(user: number): string {
  return `127.0.1.${user % 250}`;
}

/** Users 1..connections each repeat their cycle until the window ends; completions inside the window count. */
async function throughput(req: ThroughputRequest): Promise<ThroughputResult> {
  const { target, connections } = req;
  const agents: SipLoadAgent[] = [];
  await inPool(connections, SETUP_CONCURRENCY, async (k) => {
    agents[k] = await openAgent(target, k + 1);
  });
  const dialogs = agents.map((agent) => new DialogRequests(agent));
  const startedAt = performance.now();
  const windowStart = startedAt + req.warmUpSeconds * 1000;
  const windowEnd = windowStart + req.seconds * 1000;
  const latencies: number[] = [];
  const failures: Record<string, number> = {};
  let completed = 0;
  let refusal: PhaseRefusal | undefined;
  let cpuAtStart: NodeJS.CpuUsage | undefined;
  let cpu: NodeJS.CpuUsage | undefined;
  const windowTimers = [
    setTimeout(() => {
      cpuAtStart = process.cpuUsage();
      replyToOrchestrator({ type: 'window', edge: 'start' });
    }, windowStart - startedAt),
    setTimeout(() => {
      cpu = process.cpuUsage(cpuAtStart);
      replyToOrchestrator({ type: 'window', edge: 'end' });
    }, windowEnd - startedAt),
  ];
  const register = async (agent: SipLoadAgent, callId: string, cseq: number) => {
    const response = await agent.send(
      {
        method: 'REGISTER',
        uri: `sip:${target.domain}`,
        to: `<sip:${agent.address}>`,
        callId,
        cseq,
        headers: [
          ['Contact', agent.contact],
          ['Expires', String(EXPIRES)],
        ],
      },
      { authenticate: true },
    );
    expectSuccess('REGISTER', response);
  };
  await Promise.all(
    agents.map(async (agent, k) => {
      const callId = randomBytes(12).toString('hex');
      // Each REGISTER of a connection refreshes its binding: same Call-ID, CSeq past the challenged request's.
      let cseq = 1;
      const presentity = sipBenchAddress(target, ((k + 1) % connections) + 1);
      while (refusal === undefined && performance.now() < windowEnd) {
        const began = performance.now();
        try {
          if (req.type === 'register') {
            await register(agent, callId, cseq);
            cseq += 2;
          } else {
            const { dialog } = await subscribe(agent, dialogs[k], presentity, EXPIRES);
            await unsubscribe(agent, dialogs[k], dialog);
          }
        } catch (error) {
          if (error instanceof Refused) {
            refusal ??= error.refusal;
            return;
          }
          const what =
            error instanceof CountedFailure ? error.message : error instanceof SipTransactionTimeout ? 'timeout' : 'connection lost';
          failures[what] = (failures[what] ?? 0) + 1;
          if (what === 'connection lost') return;
          continue;
        }
        const done = performance.now();
        if (done >= windowStart && done <= windowEnd) {
          completed++;
          latencies.push(done - began);
        }
      }
    }),
  );
  for (const timer of windowTimers) clearTimeout(timer);
  for (const agent of agents) agent.close();
  const clientCpu = cpu ? (cpu.user + cpu.system) / 1e6 / req.seconds : NaN;
  return { type: 'throughput', completed, seconds: req.seconds, latencies, failures, refusal, clientCpu };
}

/** The watchers and the presentity of the fan-out phase. */
interface FanOut {
  presentity: SipLoadAgent;
  presentityAddress: string;
  watchers: SipLoadAgent[];
  etag: string;
  /** The change being timed: a NOTIFY counts once per watcher when it carries this change or a later one. */
  current?: { n: number; counted: Uint8Array; received: number; firstAt: number; done: () => void };
  notifyBytes: number;
}

const CHANGE = /bench change (\d+)/;

/** The PIDF user 0 publishes for change `n`: open, alternately busy and away (RPID), the change in the note. */
function pidfForChange(entity: string, n: number): string {
  const activity = n % 2 === 1 ? 'busy' : 'away';
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" ' +
    `xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid" entity="pres:${entity}">` +
    '<tuple id="bench"><status><basic>open</basic></status></tuple>' +
    `<note>bench change ${n}</note>` +
    `<dm:person id="p"><rpid:activities><rpid:${activity}/></rpid:activities></dm:person>` +
    '</presence>'
  );
}

async function publish(
  fanOut: Pick<FanOut, 'presentity' | 'presentityAddress'>,
  n: number,
  etag: string | undefined,
  onFirstSend?: (at: number) => void,
): Promise<SipResponse> {
  const { presentity, presentityAddress } = fanOut;
  return presentity.send(
    {
      method: 'PUBLISH',
      uri: `sip:${presentityAddress}`,
      to: `<sip:${presentityAddress}>`,
      headers: [['Event', 'presence'], ['Expires', String(EXPIRES)], ...(etag ? [['SIP-If-Match', etag] as [string, string]] : [])],
      body: pidfForChange(presentityAddress, n),
      contentType: PIDF,
    },
    // The first PUBLISH is challenged; the timed ones answer its nonce again with the next count.
    { authenticate: true, reuseNonce: etag !== undefined, onFirstSend },
  );
}

async function watch(target: SipBenchTarget, watcherCount: number): Promise<FanOut> {
  const presentityAddress = sipBenchAddress(target, 0);
  const presentity = await openAgent(target, 0);
  // A softphone registers, then publishes its state (change 0); the watchers subscribe after it.
  expectSuccess(
    'REGISTER',
    await presentity.send(
      {
        method: 'REGISTER',
        uri: `sip:${target.domain}`,
        to: `<sip:${presentityAddress}>`,
        headers: [
          ['Contact', presentity.contact],
          ['Expires', String(EXPIRES)],
        ],
      },
      { authenticate: true },
    ),
  );
  const first = expectSuccess('PUBLISH', await publish({ presentity, presentityAddress }, 0, undefined));
  const etag = first.headers.get('SIP-ETag');
  if (!etag) throw new Refused({ method: 'PUBLISH', status: first.status, reason: 'a 2xx without SIP-ETag' });
  const fanOut: FanOut = { presentity, presentityAddress, watchers: [], etag, notifyBytes: 0 };
  await inPool(watcherCount, SETUP_CONCURRENCY, async (k) => {
    const agent = await openAgent(target, k + 1);
    fanOut.watchers[k] = agent;
    const requests = new DialogRequests(agent);
    const { dialog } = await subscribe(agent, requests, presentityAddress, EXPIRES);
    requests.listen(dialog.callId, (request) => onWatcherNotify(fanOut, k, request));
  });
  return fanOut;
}

function onWatcherNotify(fanOut: FanOut, watcher: number, request: SipRequest): void {
  const current = fanOut.current;
  if (!current || request.method !== 'NOTIFY' || current.counted[watcher]) return;
  const carried = CHANGE.exec(request.body.toString('utf8'));
  if (!carried || Number(carried[1]) < current.n) return;
  current.counted[watcher] = 1;
  if (current.received++ === 0) {
    current.firstAt = performance.now();
    fanOut.notifyBytes = request.body.length;
  }
  if (current.received === fanOut.watchers.length) current.done();
}

async function publishChanges(
  fanOut: FanOut,
  req: Extract<SipClientsRequest, { type: 'publish' }>,
): Promise<Extract<Parameters<typeof replyToOrchestrator>[0], { type: 'published' }>> {
  const answered: number[] = [];
  const first: number[] = [];
  const last: number[] = [];
  for (let n = 1; n <= req.changes; n++) {
    let sentAt = performance.now();
    let change!: NonNullable<FanOut['current']>;
    const allNotified = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(`change ${n}: ${change.received} of ${fanOut.watchers.length} watchers were notified within ${req.timeoutMs} ms`),
          ),
        req.timeoutMs,
      );
      change = fanOut.current = {
        n,
        counted: new Uint8Array(fanOut.watchers.length),
        received: 0,
        firstAt: 0,
        done: () => {
          clearTimeout(timer);
          resolve(performance.now());
        },
      };
    });
    allNotified.catch(() => undefined);
    const response = await publish(fanOut, n, fanOut.etag, (at) => (sentAt = at));
    const answeredAt = performance.now();
    expectSuccess('PUBLISH (SIP-If-Match)', response);
    fanOut.etag = response.headers.get('SIP-ETag') ?? fanOut.etag;
    const lastAt = await allNotified;
    answered.push(answeredAt - sentAt);
    first.push(change.firstAt - sentAt);
    last.push(lastAt - sentAt);
    fanOut.current = undefined;
    await new Promise((resolve) => setTimeout(resolve, req.gapMs));
  }
  return { type: 'published', answered, first, last, notifyBytes: fanOut.notifyBytes };
}

export async function runSipClients(): Promise<void> {
  let fanOut: FanOut | undefined;
  const handle = async (req: SipClientsRequest): Promise<void> => {
    switch (req.type) {
      case 'register':
      case 'subscribe':
        replyToOrchestrator(await throughput(req));
        return;
      case 'watch': {
        const started = performance.now();
        try {
          fanOut = await watch(req.target, req.watchers);
        } catch (error) {
          if (!(error instanceof Refused)) throw error;
          replyToOrchestrator({ type: 'watching', watchers: 0, ms: 0, refusal: error.refusal });
          return;
        }
        replyToOrchestrator({ type: 'watching', watchers: fanOut.watchers.length, ms: performance.now() - started });
        return;
      }
      case 'publish': {
        if (!fanOut) throw new Error('watch first');
        try {
          replyToOrchestrator(await publishChanges(fanOut, req));
        } catch (error) {
          if (!(error instanceof Refused)) throw error;
          replyToOrchestrator({ type: 'published', answered: [], first: [], last: [], notifyBytes: 0, refusal: error.refusal });
        }
        return;
      }
      case 'close':
        for (const agent of [...(fanOut?.watchers ?? []), ...(fanOut ? [fanOut.presentity] : [])]) agent.close();
        replyToOrchestrator({ type: 'closed' });
        process.exit(0);
    }
  };
  process.on('message', (req: SipClientsRequest) => {
    handle(req).catch((error: unknown) =>
      replyToOrchestrator({ type: 'failed', message: error instanceof Error ? error.message : String(error) }),
    );
  });
  process.on('disconnect', () => process.exit(0));
}

/** Runs `work(0..count-1)` with at most `concurrency` at a time; the first failure fails the whole. */
async function inPool(count: number, concurrency: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await work(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}
