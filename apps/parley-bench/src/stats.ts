/** Percentiles and table formatting shared by the benchmarks. */

export interface LatencySummary {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentile of ascending `sorted` values (`p` in 0..100); NaN when empty. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/** p50 / p99 / max of the finite values among `values`. */
export function summarize(values: Iterable<number>): LatencySummary {
  const finite = Float64Array.from([...values].filter(Number.isFinite)).sort();
  return {
    count: finite.length,
    p50: percentile(finite, 50),
    p99: percentile(finite, 99),
    max: finite.length ? finite[finite.length - 1] : NaN,
  };
}

export const format = {
  /** Milliseconds with one decimal under 100, whole above; `–` for nothing measured. */
  ms: (n: number | undefined): string => (n === undefined || !Number.isFinite(n) ? '–' : n < 100 ? n.toFixed(1) : Math.round(n).toString()),
  /** An integer with thin thousands separators (20,000). */
  count: (n: number | undefined): string => (n === undefined || !Number.isFinite(n) ? '–' : Math.round(n).toLocaleString('en-US')),
  /** Bytes as KB (1024) with one decimal. */
  bytes: (n: number | undefined): string => (n === undefined || !Number.isFinite(n) ? '–' : `${(n / 1024).toFixed(1)} KB`),
  percent: (ratio: number | undefined): string => (ratio === undefined || !Number.isFinite(ratio) ? '–' : `${Math.round(ratio * 100)}%`),
};

export type Align = 'left' | 'right';

/** A plain-text table: header, a rule, then the rows; columns padded to their widest cell. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[], align: readonly Align[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (align[i] === 'right' ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
