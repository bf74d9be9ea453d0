// The messages between `bench sip` (the orchestrator) and its clients process (every SIP connection
// and the clock). The process is this same bundle started as `main.js sip-clients` with an IPC
// channel (startChild / ask of presence-bench-ipc).

/** Where the clients connect and who they are: user i is `prefix` + i + `@` + `domain`, every one with `password`. */
export interface SipBenchTarget {
  host: string;
  port: number;
  prefix: string;
  domain: string;
  password: string;
  /** Most requests one connection sends per second (the servers' per-connection budget). */
  requestsPerSecond: number;
}

export function sipBenchAddress(target: Pick<SipBenchTarget, 'prefix' | 'domain'>, i: number): string {
  return `${target.prefix}${i}@${target.domain}`;
}

/** A throughput phase: `connections` users (1..connections), each repeating its cycle for the whole phase. */
export interface ThroughputRequest {
  type: 'register' | 'subscribe';
  target: SipBenchTarget;
  connections: number;
  warmUpSeconds: number;
  seconds: number;
}

export type SipClientsRequest =
  | ThroughputRequest
  /** Users 1..watchers subscribe to user 0's presence; user 0 registers and publishes its first state. */
  | { type: 'watch'; target: SipBenchTarget; watchers: number }
  | { type: 'publish'; changes: number; gapMs: number; timeoutMs: number }
  | { type: 'close' };

/** Why a phase measured nothing: the server does not implement the method (501), or refused it otherwise. */
export interface PhaseRefusal {
  method: string;
  status: number;
  reason: string;
}

export interface ThroughputResult {
  type: 'throughput';
  /** Cycles completed inside the measured window. */
  completed: number;
  seconds: number;
  /** Latency of each completed cycle in the window, ms. */
  latencies: number[];
  /** Failed cycles by what ended them (`401`, `503`, `timeout`, …). */
  failures: Record<string, number>;
  refusal?: PhaseRefusal;
  /** Server CPU seconds (its whole process tree) in the measured window; filled in by the orchestrator. */
  serverCpuSeconds?: number;
  /** CPU time of the clients process over the measured window / the window: 1 = one core busy (the load generator's own limit). */
  clientCpu: number;
}

export type SipClientsReply =
  | ThroughputResult
  | { type: 'watching'; watchers: number; ms: number; refusal?: PhaseRefusal }
  /** Per change: ms from sending the PUBLISH to its 2xx, to the first and to the last watcher's NOTIFY carrying it. */
  | { type: 'published'; answered: number[]; first: number[]; last: number[]; notifyBytes: number; refusal?: PhaseRefusal }
  | { type: 'closed' }
  /** The measured window of a throughput phase opens or closes now (the orchestrator reads the server's CPU). */
  | { type: 'window'; edge: 'start' | 'end' }
  | { type: 'failed'; message: string };

export function replyToOrchestrator(message: SipClientsReply): void {
  process.send?.(message);
}
