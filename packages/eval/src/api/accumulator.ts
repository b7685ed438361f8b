import { DiffmacError } from '@diffmac/base';

/** How per-image scores become one number. Papers report the mean of per-image scores. */
export type Reduction = 'mean' | 'median';

/** A structured-cloneable snapshot of an accumulator (post it from a worker thread, then merge). */
export interface ScoreState {
  readonly metric: string;
  readonly scores: readonly number[];
  readonly ids: readonly (string | null)[];
}

/** The reduced result of an accumulator. */
export interface MetricSummary {
  readonly metric: string;
  readonly value: number;
  /** Population standard deviation (numpy's default, ddof = 0) of the scores that entered the reduction. */
  readonly std: number;
  /** Scores that entered the reduction. */
  readonly count: number;
  /** Scores left out by `dropBelow` (VQFR's identity rule). */
  readonly dropped: number;
  readonly reduction: Reduction;
  readonly higherIsBetter: boolean;
  /** Protocol that produced the scores, when one was named. */
  readonly protocol?: string;
}

/** Options of {@link ScoreAccumulator}. */
export interface ScoreAccumulatorOptions {
  reduction?: Reduction;
  higherIsBetter?: boolean;
  /** Leave scores strictly under this out of the reduction (counted in `dropped`). */
  dropBelow?: number;
  protocol?: string;
}

/**
 * Collects per-image scores and reduces them explicitly (mean by default, or median), with
 * `merge` for scores gathered in worker threads. Every score is kept, so merging is exact and
 * order-independent.
 *
 * @example
 * const acc = new ScoreAccumulator('psnr', { higherIsBetter: true });
 * acc.update(31.2); acc.update(29.8);
 * acc.compute().value; // 30.5
 */
export class ScoreAccumulator {
  private readonly scores: number[] = [];
  private readonly ids: (string | null)[] = [];
  readonly reduction: Reduction;
  readonly higherIsBetter: boolean;

  constructor(
    readonly metric: string,
    private readonly options: ScoreAccumulatorOptions = {},
  ) {
    this.reduction = options.reduction ?? 'mean';
    if (this.reduction !== 'mean' && this.reduction !== 'median') {
      throw new DiffmacError('INVALID_ARGUMENT', `Expected reduction 'mean' or 'median', received ${JSON.stringify(this.reduction)}`, {
        argument: 'reduction',
        expected: "'mean' or 'median'",
        received: JSON.stringify(this.reduction),
      });
    }
    this.higherIsBetter = options.higherIsBetter ?? true;
  }

  /** Add one per-image score (NaN is refused: it would poison the mean silently). */
  update(score: number, id?: string): void {
    if (typeof score !== 'number' || Number.isNaN(score)) {
      throw new DiffmacError('SCORE_NAN', `Expected a number score for ${this.metric}${id ? ` (${id})` : ''}, received ${String(score)}`, {
        argument: 'score',
        expected: 'a number',
        received: String(score),
      });
    }
    this.scores.push(score);
    this.ids.push(id ?? null);
  }

  /** Add the scores of another accumulator of the same metric, or of its {@link ScoreState}. */
  merge(other: ScoreAccumulator | ScoreState): this {
    const s = other instanceof ScoreAccumulator ? other.state() : other;
    if (s.metric !== this.metric) {
      throw new DiffmacError('METRIC_MISMATCH', `Cannot merge ${s.metric} scores into ${this.metric}`, { argument: 'other', expected: this.metric, received: s.metric });
    }
    this.scores.push(...s.scores);
    this.ids.push(...s.ids);
    return this;
  }

  /** Snapshot for `postMessage` / `merge`. */
  state(): ScoreState {
    return { metric: this.metric, scores: [...this.scores], ids: [...this.ids] };
  }

  /** Number of scores so far. */
  get size(): number {
    return this.scores.length;
  }

  /**
   * Reduce. An empty accumulator gives NaN with count 0. An infinite score is kept, as numpy's mean
   * keeps it (BasicSR's PSNR of identical images is inf, so the mean is inf).
   */
  compute(): MetricSummary {
    const floor = this.options.dropBelow;
    const kept = floor === undefined ? this.scores : this.scores.filter((s) => !(s < floor));
    let value = Number.NaN;
    let std = Number.NaN;
    if (kept.length > 0) {
      const mean = kept.reduce((a, b) => a + b, 0) / kept.length;
      std = Math.sqrt(kept.reduce((a, x) => a + (x - mean) * (x - mean), 0) / kept.length);
      if (this.reduction === 'mean') value = mean;
      else {
        const sorted = [...kept].sort((a, b) => a - b);
        const mid = sorted.length >> 1;
        value = sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
      }
    }
    return {
      metric: this.metric,
      value,
      std,
      count: kept.length,
      dropped: this.scores.length - kept.length,
      reduction: this.reduction,
      higherIsBetter: this.higherIsBetter,
      ...(this.options.protocol ? { protocol: this.options.protocol } : {}),
    };
  }
}
