/**
 * UniPC (UniP predictor, UniC corrector; B(h) variants bh1 and bh2) update coefficients, as
 * diffusers' `UniPCMultistepScheduler` computes them, expanded into one linear combination.
 *
 * Predictor of order p from sigma s0 (newest output m0) to `sigmaTarget`:
 *   x_t = c[0]*x + c[1]*m0 + ... + c[p]*m_{p-1}
 * Corrector of order p, rewriting the sample that the last predictor produced:
 *   x_c = c[0]*lastSample + c[1]*m0 + ... + c[p]*m_{p-1} + c[p+1]*modelT
 * where m0 is the newest output before this step and modelT the output at the new sample.
 * The outputs are data predictions (`predict_x0`) or noise predictions; VE sigmas, VP samples.
 */

import { vpQuantitiesInto } from './dpm-solver-core';

/** UniPC's B(h) choice. */
export type UniPCSolverType = 'bh1' | 'bh2';

const f = Math.fround;

/** Solve the small dense system `a x = b` (n ≤ 8) in place by Gaussian elimination with partial pivoting; `a` is row-major. */
function solveInPlace(a: Float64Array, b: Float64Array, n: number): void {
  for (let col = 0; col < n; col++) {
    let piv = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r * n + col]!) > Math.abs(a[piv * n + col]!)) piv = r;
    if (piv !== col) {
      for (let k = 0; k < n; k++) {
        const t = a[col * n + k]!;
        a[col * n + k] = a[piv * n + k]!;
        a[piv * n + k] = t;
      }
      const t = b[col]!;
      b[col] = b[piv]!;
      b[piv] = t;
    }
    const d = a[col * n + col]!;
    for (let r = col + 1; r < n; r++) {
      const m = a[r * n + col]! / d;
      if (m === 0) continue;
      for (let k = col; k < n; k++) a[r * n + k] = a[r * n + k]! - m * a[col * n + k]!;
      b[r] = b[r]! - m * b[col]!;
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    let s = b[r]!;
    for (let k = r + 1; k < n; k++) s -= a[r * n + k]! * b[k]!;
    b[r] = s / a[r * n + r]!;
  }
}

/** Scratch space of the UniPC coefficient function (reuse one per scheduler; no allocation per step). */
export interface UniPCScratch {
  readonly q: Float64Array;
  readonly rks: Float64Array;
  readonly bvec: Float64Array;
  readonly mat: Float64Array;
}

/**
 * Allocate scratch space for orders up to `maxOrder`.
 *
 * @example
 * const scratch = createUniPCScratch(3);
 */
export function createUniPCScratch(maxOrder: number): UniPCScratch {
  const n = Math.max(1, maxOrder);
  return { q: new Float64Array(3), rks: new Float64Array(n), bvec: new Float64Array(n), mat: new Float64Array(n * n) };
}

/**
 * Coefficients of a UniP predictor (`kind = 'predictor'`) or UniC corrector (`'corrector'`) of
 * `order`. `sigmaHist[k]` is the sigma at which output m_k was taken (m0 newest, so
 * `sigmaHist[0]` is the start sigma s0); `sigmaTarget` is the sigma reached. Writes `order + 1`
 * (predictor) or `order + 2` (corrector) coefficients into `out`, laid out as in the module doc.
 *
 * @example
 * const c = new Float64Array(5);
 * uniPCCoefficientsInto(c, 'predictor', 2, 0.5, Float64Array.of(0.8, 1.2), 'bh2', true, createUniPCScratch(2));
 */
export function uniPCCoefficientsInto(
  out: Float64Array,
  kind: 'predictor' | 'corrector',
  order: number,
  sigmaTarget: number,
  sigmaHist: ArrayLike<number>,
  solverType: UniPCSolverType,
  predictX0: boolean,
  scratch: UniPCScratch,
): Float64Array {
  const { q, rks, bvec, mat } = scratch;
  vpQuantitiesInto(q, sigmaTarget);
  const alphaT = q[0]!;
  const sigmaT = q[1]!;
  const lambdaT = q[2]!;
  vpQuantitiesInto(q, sigmaHist[0]!);
  const alphaS0 = q[0]!;
  const sigmaS0 = q[1]!;
  const lambdaS0 = q[2]!;
  const h = f(lambdaT - lambdaS0);

  const nD = order - 1; // number of D1 terms from the history
  for (let k = 0; k < nD; k++) {
    const lambdaSk = vpQuantitiesInto(q, sigmaHist[k + 1]!)[2]!;
    rks[k] = f(f(lambdaSk - lambdaS0) / h);
  }
  rks[nD] = 1;

  const hh = predictX0 ? -h : h;
  const hPhi1 = f(Math.expm1(hh));
  let hPhiK = f(f(hPhi1 / hh) - 1);
  let factorial = 1;
  const bH = solverType === 'bh1' ? hh : f(Math.expm1(hh));
  for (let i = 1; i <= order; i++) {
    bvec[i - 1] = f(f(hPhiK * factorial) / bH);
    factorial *= i + 1;
    hPhiK = f(f(hPhiK / hh) - f(1 / factorial));
  }

  // rhos: the predictor uses the leading (order-1) block, the corrector the full system.
  const n = kind === 'predictor' ? nD : order;
  if (kind === 'predictor' && order === 2) {
    bvec[0] = 0.5;
  } else if (kind === 'corrector' && order === 1) {
    bvec[0] = 0.5;
  } else if (n > 0) {
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) mat[i * n + j] = f(rks[j]! ** i);
    solveInPlace(mat, bvec, n);
    for (let i = 0; i < n; i++) bvec[i] = f(bvec[i]!);
  }
  // now bvec[0..n) holds rhos

  const outerX = predictX0 ? f(sigmaT / sigmaS0) : f(alphaT / alphaS0);
  const scale = predictX0 ? alphaT : sigmaT;
  const k0 = -scale * hPhi1; // coefficient of m0 from the first-order part
  const kb = -scale * bH; // multiplies the rho-weighted corrections
  out[0] = outerX;
  let cM0 = k0;
  for (let k = 0; k < nD; k++) {
    // D1_k = (m_{k+1} - m0)/rk
    const w = (kb * bvec[k]!) / rks[k]!;
    out[k + 2] = w;
    cM0 -= w;
  }
  if (kind === 'corrector') {
    const rhoScale = bvec[order - 1]!; // coefficient of the newest output for the corrector
    // + rhos_c[-1] * (modelT - m0)
    out[order + 1] = kb * rhoScale;
    cM0 -= kb * rhoScale;
  }
  out[1] = cM0;
  return out;
}

/**
 * The UniP order diffusers uses at `stepIndex` of `numSteps`: `min(solverOrder, numSteps - i)`
 * with `lower_order_final`, capped by the warm-up (`lowerOrderNums + 1`).
 *
 * @example
 * uniPCOrder(0, 25, 0, 2, true); // 1
 */
export function uniPCOrder(stepIndex: number, numSteps: number, lowerOrderNums: number, solverOrder: number, lowerOrderFinal: boolean): number {
  const o = lowerOrderFinal ? Math.min(solverOrder, numSteps - stepIndex) : solverOrder;
  return Math.min(o, lowerOrderNums + 1);
}
