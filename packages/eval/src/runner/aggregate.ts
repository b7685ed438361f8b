import { ScoreAccumulator } from '../api/accumulator';

/** Mean, standard deviation and count of one metric over the images that have it. */
export interface MetricStats {
  mean: number;
  /** Population standard deviation (numpy's default, ddof = 0). */
  std: number;
  /** Scores in the mean (an infinite score counts: BasicSR's PSNR of identical images is inf). */
  n: number;
  /** Scores left out by a protocol rule (VQFR drops identity angles under 1°). */
  dropped: number;
  /** Scores that were NaN (not a number): left out of the mean and counted here. */
  invalid: number;
}

/**
 * Summarise per-image scores metric by metric with the package's {@link ScoreAccumulator}: the
 * mean of per-image values (the papers' reduction), float64 sums in row order. Every score counts,
 * infinities included (numpy's mean of a list holding BasicSR's `inf` PSNR is `inf`); NaN scores
 * are counted in `invalid`; `dropBelow` leaves out a metric's scores under a threshold (counted in
 * `dropped`). So `n + dropped + invalid` is every score seen.
 *
 * @example
 * summarize([{ psnr: 20 }, { psnr: 22 }]); // { psnr: { mean: 21, std: 1, n: 2, dropped: 0, invalid: 0 } }
 */
export function summarize(rows: readonly Readonly<Record<string, number>>[], dropBelow: Readonly<Record<string, number | undefined>> = {}): Record<string, MetricStats> {
  const accs = new Map<string, { acc: ScoreAccumulator; invalid: number }>();
  for (const row of rows) {
    for (const [k, v] of Object.entries(row)) {
      let a = accs.get(k);
      if (!a) {
        const floor = dropBelow[k];
        a = { acc: new ScoreAccumulator(k, floor === undefined ? {} : { dropBelow: floor }), invalid: 0 };
        accs.set(k, a);
      }
      if (typeof v !== 'number' || Number.isNaN(v)) a.invalid += 1;
      else a.acc.update(v);
    }
  }
  const out: Record<string, MetricStats> = {};
  for (const [k, { acc, invalid }] of accs) {
    const s = acc.compute();
    out[k] = { mean: s.value, std: s.std, n: s.count, dropped: s.dropped, invalid };
  }
  return out;
}
