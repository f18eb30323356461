/** Order statistics for latency samples (nearest-rank percentiles, no interpolation). */

export interface Summary {
  n: number;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
}

/** Nearest-rank percentiles of `values` (sorted in place as a typed copy, so 100k+ samples stay cheap). */
export function summarize(values: ArrayLike<number>): Summary {
  const a = Float64Array.from(values).sort();
  const n = a.length;
  const at = (p: number): number | null => (n === 0 ? null : a[Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1))]!);
  return { n, p50: at(50), p90: at(90), p99: at(99), max: n === 0 ? null : a[n - 1]! };
}
