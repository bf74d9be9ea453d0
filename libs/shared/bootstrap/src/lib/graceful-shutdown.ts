import type { ShutdownConfig } from '@parley/config';

/** What the shutdown does, step by step; `shutDownInOrder` decides when (docs/architecture.md, "Graceful shutdown"). */
export interface ShutdownSteps {
  /** Readiness fails from now on (`/readyz` 503) while everything still serves. */
  failReadiness(): void;
  /** The public listener stops accepting; connections busy now close after their answer. */
  stopAccepting(): void;
  /** Resolves once the HTTP requests in flight are answered. */
  drainRequests(): Promise<void>;
  /** Cuts the requests still in flight: the drain's share of the grace is spent. */
  abortRequests(): void;
  /**
   * Everything else, in Nest's hook order: WebSockets closed with 1001 (presence and SIP), SIP over TCP
   * connections closed and its listener with them, SMTP sessions finished or
   * refused with 421, pollers stopped, Kafka consumers stopped (offsets of handled messages
   * committed), the outbox relay's current batch finished, databases closed; then what runs after
   * the app (the embedded PostgreSQL).
   */
  closeApp(): Promise<void>;
  /** What is still open, for the log line when the grace runs out. */
  stillOpen(): string;
}

export interface ShutdownLog {
  info(line: string): void;
  warn(line: string): void;
}

export type ShutdownOutcome =
  { kind: 'clean' } | { kind: 'failed'; step: string; error: unknown } | { kind: 'grace-exceeded'; step: string; stillOpen: string };

/** The part of the grace kept for closing the app after the HTTP drain (at most half of what follows the delay). */
export const CLOSE_RESERVE_MS = 5_000;

/**
 * Runs the shutdown in its order and within its budget: readiness fails at once; after `delayMs`
 * the listener stops accepting and the requests in flight are answered (cut, if they are still
 * running when only the reserve for closing the app is left); then the app closes. When the whole
 * `graceMs` runs out first, the outcome names the step that was running and what was still open.
 */
export async function shutDownInOrder(steps: ShutdownSteps, timings: ShutdownConfig, log: ShutdownLog): Promise<ShutdownOutcome> {
  let step = 'readiness';
  let graceTimer: NodeJS.Timeout | undefined;
  const graceOver = new Promise<ShutdownOutcome>((resolve) => {
    graceTimer = setTimeout(() => resolve({ kind: 'grace-exceeded', step, stillOpen: steps.stillOpen() }), timings.graceMs);
  });
  const inOrder = async (): Promise<ShutdownOutcome> => {
    try {
      steps.failReadiness();
      if (timings.delayMs > 0) {
        step = 'delay';
        log.info(`readiness fails now; the listeners close in ${timings.delayMs} ms`);
        await sleep(timings.delayMs);
      }
      step = 'http-drain';
      steps.stopAccepting();
      const afterDelay = timings.graceMs - timings.delayMs;
      const drainBudget = afterDelay - Math.min(CLOSE_RESERVE_MS, Math.floor(afterDelay / 2));
      const drained = await withinMs(steps.drainRequests(), drainBudget);
      if (!drained) {
        log.warn(`HTTP requests still running after ${drainBudget} ms of draining are cut: ${steps.stillOpen()}`);
        steps.abortRequests();
      }
      step = 'close';
      await steps.closeApp();
      return { kind: 'clean' };
    } catch (error) {
      return { kind: 'failed', step, error };
    }
  };
  try {
    return await Promise.race([inOrder(), graceOver]);
  } finally {
    clearTimeout(graceTimer);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** True when `work` settled within `ms`, false when the time ran out first. */
async function withinMs(work: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), Math.max(0, ms))));
  try {
    return await Promise.race([work.then(() => true as const), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
