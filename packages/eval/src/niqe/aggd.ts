import { gamma } from '../math/gamma';

/** The AGGD shape grid and its ratio table `r(γ) = Γ(2/γ)² / (Γ(1/γ) Γ(3/γ))`, as BasicSR builds them. */
export interface AggdGrid {
  readonly gam: Float64Array;
  readonly rGam: Float64Array;
}

/**
 * numpy's `arange(0.2, 10.001, 0.001)` (9801 values, `0.2 + i·d` with `d = (0.2 + 0.001) - 0.2`)
 * and the ratio table over it.
 *
 * @example
 * const grid = aggdGrid(); grid.gam.length; // 9801
 */
export function aggdGrid(): AggdGrid {
  const start = 0.2;
  const step = 0.001;
  const stop = 10.001;
  const n = Math.ceil((stop - start) / step);
  const d = start + step - start;
  const gam = new Float64Array(n);
  const rGam = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const g = start + i * d;
    gam[i] = g;
    const rec = 1 / g;
    const g2 = gamma(rec * 2);
    rGam[i] = (g2 * g2) / (gamma(rec) * gamma(rec * 3));
  }
  return { gam, rGam };
}

/** AGGD parameters of one sample set. */
export interface AggdParams {
  alpha: number;
  betaL: number;
  betaR: number;
}

/**
 * Fit an asymmetric generalised Gaussian to `x` exactly as BasicSR's `estimate_aggd_param`
 * (moment matching on a discrete shape grid, first minimum wins; NaN statistics pick the first
 * grid value as numpy's argmin does).
 *
 * @example
 * const { alpha, betaL, betaR } = estimateAggd(block, aggdGrid());
 */
export function estimateAggd(x: ArrayLike<number>, grid: AggdGrid): AggdParams {
  let sumL = 0;
  let nL = 0;
  let sumR = 0;
  let nR = 0;
  let sumAbs = 0;
  let sumSq = 0;
  const n = x.length;
  for (let i = 0; i < n; i++) {
    const v = x[i] as number;
    const sq = v * v;
    if (v < 0) {
      sumL += sq;
      nL++;
    } else if (v > 0) {
      sumR += sq;
      nR++;
    }
    sumAbs += Math.abs(v);
    sumSq += sq;
  }
  const leftStd = Math.sqrt(sumL / nL);
  const rightStd = Math.sqrt(sumR / nR);
  const gh = leftStd / rightStd;
  const meanAbs = sumAbs / n;
  const rhat = (meanAbs * meanAbs) / (sumSq / n);
  const rn = (rhat * (gh ** 3 + 1) * (gh + 1)) / (gh ** 2 + 1) ** 2;
  let best = 0;
  if (!Number.isNaN(rn)) {
    let bestErr = Number.POSITIVE_INFINITY;
    const { rGam } = grid;
    for (let i = 0; i < rGam.length; i++) {
      const e = ((rGam[i] as number) - rn) ** 2;
      if (Number.isNaN(e)) {
        best = i;
        break;
      }
      if (e < bestErr) {
        bestErr = e;
        best = i;
      }
    }
  }
  const alpha = grid.gam[best] as number;
  const k = Math.sqrt(gamma(1 / alpha) / gamma(3 / alpha));
  return { alpha, betaL: leftStd * k, betaR: rightStd * k };
}

/**
 * The 18 NIQE features of one normalised block (BasicSR `compute_feature`): the AGGD fit of the
 * block, then of its products with the circularly rolled block for shifts (0,1), (1,0), (1,1), (1,-1).
 * Products are rounded to float32, as numpy multiplies float32 blocks.
 *
 * @example
 * const f = blockFeatures(block, 96, 96, aggdGrid()); // 18 numbers
 */
export function blockFeatures(block: Float32Array, width: number, height: number, grid: AggdGrid): number[] {
  const feat: number[] = [];
  const base = estimateAggd(block, grid);
  feat.push(base.alpha, (base.betaL + base.betaR) / 2);
  const shifts: readonly (readonly [number, number])[] = [
    [0, 1],
    [1, 0],
    [1, 1],
    [1, -1],
  ];
  const prod = new Float32Array(block.length);
  for (const [s0, s1] of shifts) {
    for (let i = 0; i < height; i++) {
      const si = (((i - s0) % height) + height) % height;
      for (let j = 0; j < width; j++) {
        const sj = (((j - s1) % width) + width) % width;
        prod[i * width + j] = (block[i * width + j] as number) * (block[si * width + sj] as number);
      }
    }
    const p = estimateAggd(prod, grid);
    const mean = (p.betaR - p.betaL) * (gamma(2 / p.alpha) / gamma(1 / p.alpha));
    feat.push(p.alpha, mean, p.betaL, p.betaR);
  }
  return feat;
}
