/** mulberry32: small, fast, and the same sequence on every machine, so a failing case replays from its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FuzzRun {
  iterations: number;
  seed: number;
  /** Uniform in [0, 1), from `seed`. */
  random: () => number;
}

/**
 * A fuzz suite's budget: bounded by iterations (never by wall clock) with a fixed seed, so CI is
 * reproducible; `PARLEY_FUZZ_ITERATIONS` and `PARLEY_FUZZ_SEED` run it longer or differently locally.
 */
export function fuzzRun(defaults: { iterations: number; seed: number }): FuzzRun {
  const iterations = Number(process.env['PARLEY_FUZZ_ITERATIONS'] ?? defaults.iterations);
  const seed = Number(process.env['PARLEY_FUZZ_SEED'] ?? defaults.seed);
  return { iterations, seed, random: seededRandom(seed) };
}
