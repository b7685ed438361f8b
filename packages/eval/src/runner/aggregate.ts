/** Mean, standard deviation and count of one metric over the images that have it. */
export interface MetricStats {
  mean: number;
  /** Population standard deviation (numpy's default, ddof = 0). */
  std: number;
  n: number;
  /** Scores left out by a protocol rule (VQFR drops identity angles under 1°). */
  dropped: number;
}

/**
 * Summarise per-image scores metric by metric: the mean of per-image values (the papers'
 * reduction), with float64 sums. Non-finite values are left out; `dropBelow` leaves out a
 * metric's scores under a threshold (counted in `dropped`).
 *
 * @example
 * summarize([{ psnr: 20 }, { psnr: 22 }]); // { psnr: { mean: 21, std: 1, n: 2, dropped: 0 } }
 */
export function summarize(rows: readonly Record<string, number>[], dropBelow: Readonly<Record<string, number>> = {}): Record<string, MetricStats> {
  const acc = new Map<string, { s: number; s2: number; n: number; values: number[]; dropped: number }>();
  for (const row of rows) {
    for (const [k, v] of Object.entries(row)) {
      if (!Number.isFinite(v)) continue;
      const a = acc.get(k) ?? { s: 0, s2: 0, n: 0, values: [], dropped: 0 };
      acc.set(k, a);
      const floor = dropBelow[k];
      if (floor !== undefined && v < floor) {
        a.dropped += 1;
        continue;
      }
      a.s += v;
      a.n += 1;
      a.values.push(v);
    }
  }
  const out: Record<string, MetricStats> = {};
  for (const [k, a] of acc) {
    const mean = a.n > 0 ? a.s / a.n : Number.NaN;
    let v = 0;
    for (const x of a.values) v += (x - mean) * (x - mean);
    out[k] = { mean, std: a.n > 0 ? Math.sqrt(v / a.n) : Number.NaN, n: a.n, dropped: a.dropped };
  }
  return out;
}
