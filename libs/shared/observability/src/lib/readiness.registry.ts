/** A named probe: resolves when its dependency can serve, throws (or returns false) when not. */
export type ReadinessProbe = () => Promise<boolean | void> | boolean | void;

export interface ReadinessResult {
  ready: boolean;
  checks: Record<string, { ok: boolean; error?: string }>;
}

/** Components register what readiness depends on (each database, the bus); /readyz asks them all. */
export class ReadinessRegistry {
  private readonly probes = new Map<string, ReadinessProbe>();

  register(name: string, probe: ReadinessProbe): void {
    this.probes.set(name, probe);
  }

  async evaluate(timeoutMs = 2_000): Promise<ReadinessResult> {
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
