/** A named probe: resolves when its dependency can serve, throws (or returns false) when not. */
export type ReadinessProbe = () => Promise<boolean | void> | boolean | void;

export interface ReadinessResult {
  ready: boolean;
  checks: Record<string, { ok: boolean; error?: string }>;
}

/** The check /readyz reports once the process is shutting down. */
export const SHUTTING_DOWN_CHECK = 'shutdown';

/**
 * Components register what readiness depends on (each database, the bus); /readyz asks them all.
 * Once `beginShutdown()` is called the process is never ready again, whatever its dependencies say:
 * load balancers and Kubernetes endpoints stop routing to it while it still serves.
 */
export class ReadinessRegistry {
  private readonly probes = new Map<string, ReadinessProbe>();
  private shuttingDown = false;

  register(name: string, probe: ReadinessProbe): void {
    this.probes.set(name, probe);
  }

  beginShutdown(): void {
    this.shuttingDown = true;
  }

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  async evaluate(timeoutMs = 2_000): Promise<ReadinessResult> {
    // The probes are not asked: what they touch is about to close, and the answer is no anyway.
    if (this.shuttingDown) return { ready: false, checks: { [SHUTTING_DOWN_CHECK]: { ok: false, error: 'shutting down' } } };
    const entries = await Promise.all(
      [...this.probes].map(async ([name, probe]) => {
        try {
          const outcome = await withTimeout(Promise.resolve(probe()), timeoutMs);
          return [name, outcome === false ? { ok: false, error: 'not ready' } : { ok: true }] as const;
        } catch (error) {
          return [name, { ok: false, error: error instanceof Error ? error.message : String(error) }] as const;
        }
      }),
    );
    const checks = Object.fromEntries(entries);
    return { ready: entries.every(([, r]) => r.ok), checks };
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work,
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms))),
  ]).finally(() => clearTimeout(timer));
}
