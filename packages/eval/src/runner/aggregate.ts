/** Mean, standard deviation and count of one metric over the images that have it. */
export interface MetricSummary {
  mean: number;
  /** Population standard deviation (numpy's default, ddof = 0). */
  std: number;
  n: number;
}

/**
 * Summarise per-image scores metric by metric: the mean of per-image values (the papers'
 * reduction), with float64 sums. Non-finite values are left out of that metric and counted.
 *
 * @example
 * summarize([{ psnr: 20 }, { psnr: 22 }]); // { psnr: { mean: 21, std: 1, n: 2 } }
 */
export function summarize(rows: readonly Record<string, number>[]): Record<string, MetricSummary> {
  const acc = new Map<string, { s: number; s2: number; n: number; values: number[] }>();
  for (const row of rows) {
    for (const [k, v] of Object.entries(row)) {
      if (!Number.isFinite(v)) continue;
      const a = acc.get(k) ?? { s: 0, s2: 0, n: 0, values: [] };
      a.s += v;
      a.n += 1;
      a.values.push(v);
      acc.set(k, a);
    }
  }
  const out: Record<string, MetricSummary> = {};
  for (const [k, a] of acc) {
    const mean = a.s / a.n;
    let v = 0;
    for (const x of a.values) v += (x - mean) * (x - mean);
    out[k] = { mean, std: Math.sqrt(v / a.n), n: a.n };
  }
  return out;
}
