/**
 * DPM-Solver / DPM-Solver++ update coefficients (multistep and singlestep, orders 1–3, ODE and
 * SDE variants), as diffusers' `DPMSolverMultistepScheduler` and `DPMSolverSinglestepScheduler`
 * compute them, expanded into one linear combination:
 *
 *   x_next = c[0]*sample + c[1]*m0 + c[2]*m1 + c[3]*m2 + c[4]*noise
 *
 * where m0 is the newest converted model output (x0 for the `++` types, eps otherwise). Sigmas are
 * VE sigmas (diffusers' `scheduler.sigmas`); the coefficients are for VP samples (diffusers'
 * layout). `vpToVeCoefficientsInPlace` turns them into k-diffusion's VE form.
 */

import { vpQuantitiesInto } from './dpm-solver-core';

/** DPM-Solver algorithm types of diffusers. */
export type DpmAlgorithm = 'dpmsolver++' | 'sde-dpmsolver++' | 'dpmsolver' | 'sde-dpmsolver';
/** Second-order solver types of diffusers. */
export type DpmSolverType = 'midpoint' | 'heun';

/** Number of coefficients written by the DPM-Solver coefficient functions. */
export const DPM_COEFFICIENT_COUNT = 5;

const f = Math.fround;

/**
 * Whether an algorithm draws noise at every step.
 *
 * @example
 * isSdeAlgorithm('sde-dpmsolver++'); // true
 */
export function isSdeAlgorithm(algorithm: DpmAlgorithm): boolean {
  return algorithm === 'sde-dpmsolver++' || algorithm === 'sde-dpmsolver';
}

/**
 * Whether an algorithm works on data predictions (x0) rather than noise predictions.
 *
 * @example
 * isDataPredictionAlgorithm('dpmsolver'); // false
 */
export function isDataPredictionAlgorithm(algorithm: DpmAlgorithm): boolean {
  return algorithm === 'dpmsolver++' || algorithm === 'sde-dpmsolver++';
}

// Slots of the caller's scratch array where `bases` writes: the sample coefficient, then the
// coefficients of D0, D1, D2 and of the noise.
const CS = 3;
const A = 4;
const B = 5;
const C = 6;
const N = 7;

/**
 * Per-order bases of the exponential integrator, from the VP quantities of the start and target
 * sigma: writes the sample coefficient and the D0/D1/D2/noise coefficients into slots 3..7 of `out`.
 */
function bases(
  out: Float64Array,
  algorithm: DpmAlgorithm,
  solverType: DpmSolverType,
  order: number,
  alphaT: number,
  sigmaT: number,
  alphaS: number,
  sigmaS: number,
  h: number,
): void {
  out[N] = 0;
  out[B] = 0;
  out[C] = 0;
  if (algorithm === 'dpmsolver++') {
    const em1 = f(Math.exp(f(-h))) - 1; // e^{-h} - 1
    out[CS] = f(sigmaT / sigmaS);
    out[A] = -alphaT * em1;
    if (order === 2) out[B] = solverType === 'midpoint' ? -0.5 * alphaT * em1 : alphaT * (em1 / h + 1);
    if (order === 3) {
      out[B] = alphaT * (em1 / h + 1);
      out[C] = -alphaT * ((em1 + h) / (h * h) - 0.5);
    }
  } else if (algorithm === 'dpmsolver') {
    const ep1 = f(Math.exp(h)) - 1; // e^{h} - 1
    out[CS] = f(alphaT / alphaS);
    out[A] = -sigmaT * ep1;
    if (order === 2) out[B] = solverType === 'midpoint' ? -0.5 * sigmaT * ep1 : -sigmaT * (ep1 / h - 1);
    if (order === 3) {
      out[B] = -sigmaT * (ep1 / h - 1);
      out[C] = -sigmaT * ((ep1 - h) / (h * h) - 0.5);
    }
  } else if (algorithm === 'sde-dpmsolver++') {
    const e1 = f(Math.exp(f(-h)));
    const e2 = f(Math.exp(f(-2 * h)));
    out[CS] = f(sigmaT / sigmaS) * e1;
    out[A] = alphaT * (1 - e2);
    if (order === 2) out[B] = solverType === 'midpoint' ? 0.5 * alphaT * (1 - e2) : alphaT * ((1 - e2) / (-2 * h) + 1);
    if (order === 3) {
      out[B] = alphaT * ((1 - e2) / (-2 * h) + 1);
      out[C] = alphaT * ((1 - e2 - 2 * h) / (4 * h * h) - 0.5);
    }
    out[N] = sigmaT * Math.sqrt(1 - e2);
  } else {
    const ep1 = f(Math.exp(h)) - 1;
    out[CS] = f(alphaT / alphaS);
    out[A] = -2 * sigmaT * ep1;
    if (order === 2) out[B] = solverType === 'midpoint' ? -sigmaT * ep1 : -2 * sigmaT * (ep1 / h - 1);
    if (order === 3) throw new RangeError('diffusers defines no third-order update for sde-dpmsolver');
    out[N] = sigmaT * Math.sqrt(f(Math.exp(2 * h)) - 1);
  }
}

/**
 * Coefficients of one multistep DPM-Solver update of `order` from `sigmas[0]` (current) to
 * `sigmaNext`, with `sigmas[1]`, `sigmas[2]` the earlier sigmas of m1, m2. Writes
 * `[cSample, cM0, cM1, cM2, cNoise]` into `out` (length ≥ 5). `scratch` is a Float64Array(12).
 *
 * @example
 * const c = new Float64Array(5);
 * dpmSolverMultistepCoefficientsInto(c, 2, 'dpmsolver++', 'midpoint', 0.0292, 0.0583, 0.1, 0, new Float64Array(12));
 */
export function dpmSolverMultistepCoefficientsInto(
  out: Float64Array,
  order: 1 | 2 | 3,
  algorithm: DpmAlgorithm,
  solverType: DpmSolverType,
  sigmaNext: number,
  sigma0: number,
  sigma1: number,
  sigma2: number,
  scratch: Float64Array,
): Float64Array {
  vpQuantitiesInto(scratch, sigmaNext);
  const alphaT = scratch[0]!;
  const sigmaT = scratch[1]!;
  const lambdaT = scratch[2]!;
  vpQuantitiesInto(scratch, sigma0);
  const alphaS0 = scratch[0]!;
  const sigmaS0 = scratch[1]!;
  const lambdaS0 = scratch[2]!;
  const h = f(lambdaT - lambdaS0);
  bases(scratch, algorithm, solverType, order, alphaT, sigmaT, alphaS0, sigmaS0, h);
  out[0] = scratch[CS]!;
  out[4] = scratch[N]!;
  out[2] = 0;
  out[3] = 0;
  if (order === 1) {
    out[1] = scratch[A]!;
    return out;
  }
  const lambdaS1 = vpQuantitiesInto(scratch, sigma1)[2]!;
  const r0 = f(f(lambdaS0 - lambdaS1) / h);
  if (order === 2) {
    // D0 = m0, D1 = (m0 - m1)/r0
    out[1] = scratch[A]! + scratch[B]! / r0;
    out[2] = -scratch[B]! / r0;
    return out;
  }
  const lambdaS2 = vpQuantitiesInto(scratch, sigma2)[2]!;
  const r1 = f(f(lambdaS1 - lambdaS2) / h);
  // D1_0 = (m0-m1)/r0, D1_1 = (m1-m2)/r1, D1 = D1_0 + r0/(r0+r1)(D1_0-D1_1), D2 = (D1_0-D1_1)/(r0+r1)
  const k = r0 / (r0 + r1);
  const q = 1 / (r0 + r1);
  const p = scratch[B]! * (1 + k) + scratch[C]! * q; // coefficient of D1_0
  const n = -scratch[B]! * k - scratch[C]! * q; // coefficient of D1_1
  out[1] = scratch[A]! + p / r0;
  out[2] = -p / r0 + n / r1;
  out[3] = -n / r1;
  return out;
}

/**
 * Coefficients of one singlestep DPM-Solver update of `order`, applied to the anchor sample
 * stored at the last order-1 step: `sigmaAnchor` is the sigma of that anchor (= the sigma of the
 * oldest model output used), `sigma0` the current one, `sigma1` the middle one (order 3).
 * Writes `[cAnchor, cM0, cM1, cM2, cNoise]` with m0 the newest model output.
 *
 * @example
 * dpmSolverSinglestepCoefficientsInto(c, 2, 'dpmsolver++', 'midpoint', 0.05, 0.1, 0.2, 0, new Float64Array(12));
 */
export function dpmSolverSinglestepCoefficientsInto(
  out: Float64Array,
  order: 1 | 2 | 3,
  algorithm: DpmAlgorithm,
  solverType: DpmSolverType,
  sigmaNext: number,
  sigma0: number,
  sigma1: number,
  sigma2: number,
  scratch: Float64Array,
): Float64Array {
  if (order === 1) {
    return dpmSolverMultistepCoefficientsInto(out, 1, algorithm, solverType, sigmaNext, sigma0, 0, 0, scratch);
  }
  vpQuantitiesInto(scratch, sigmaNext);
  const alphaT = scratch[0]!;
  const sigmaT = scratch[1]!;
  const lambdaT = scratch[2]!;
  const lambdaS0 = vpQuantitiesInto(scratch, sigma0)[2]!;
  out[3] = 0;
  if (order === 2) {
    // anchor at s1: h = lt - ls1, r0 = (ls0 - ls1)/h, D0 = m1, D1 = (m0 - m1)/r0
    vpQuantitiesInto(scratch, sigma1);
    const alphaS1 = scratch[0]!;
    const sigmaS1 = scratch[1]!;
    const lambdaS1 = scratch[2]!;
    const h = f(lambdaT - lambdaS1);
    const r0 = f(f(lambdaS0 - lambdaS1) / h);
    bases(scratch, algorithm, solverType, 2, alphaT, sigmaT, alphaS1, sigmaS1, h);
    out[0] = scratch[CS]!;
    out[4] = scratch[N]!;
    out[1] = scratch[B]! / r0;
    out[2] = scratch[A]! - scratch[B]! / r0;
    return out;
  }
  // order 3, anchor at s2: h = lt - ls2, r0 = (ls0-ls2)/h, r1 = (ls1-ls2)/h, D0 = m2,
  // D1_0 = (m1-m2)/r1, D1_1 = (m0-m2)/r0; midpoint uses D1_1 only, heun D1 and D2.
  if (algorithm === 'sde-dpmsolver++' || algorithm === 'sde-dpmsolver') {
    throw new RangeError('diffusers defines no third-order singlestep update for the SDE types');
  }
  const lambdaS1 = vpQuantitiesInto(scratch, sigma1)[2]!;
  vpQuantitiesInto(scratch, sigma2);
  const alphaS2 = scratch[0]!;
  const sigmaS2 = scratch[1]!;
  const lambdaS2 = scratch[2]!;
  const h = f(lambdaT - lambdaS2);
  const r0 = f(f(lambdaS0 - lambdaS2) / h);
  const r1 = f(f(lambdaS1 - lambdaS2) / h);
  bases(scratch, algorithm, solverType, 3, alphaT, sigmaT, alphaS2, sigmaS2, h);
  out[0] = scratch[CS]!;
  out[4] = 0;
  if (solverType === 'midpoint') {
    // x = cS*x - ... D0 + b*D1_1, with D1_1 = (m0 - m2)/r0
    out[1] = scratch[B]! / r0;
    out[2] = 0;
    out[3] = scratch[A]! - scratch[B]! / r0;
    return out;
  }
  // D1 = (r0*D1_0 - r1*D1_1)/(r0-r1), D2 = 2(D1_1 - D1_0)/(r0-r1)
  const d = r0 - r1;
  const u0 = (scratch[B]! * r0) / d - (2 * scratch[C]!) / d; // coefficient of D1_0
  const u1 = (-scratch[B]! * r1) / d + (2 * scratch[C]!) / d; // coefficient of D1_1
  out[1] = u1 / r0; // m0
  out[2] = u0 / r1; // m1
  out[3] = scratch[A]! - u0 / r1 - u1 / r0; // m2
  return out;
}

/**
 * Which update order diffusers' DPMSolverMultistepScheduler applies at `stepIndex` of
 * `numSteps`, given how many lower-order warm-up steps it has taken (`lowerOrderNums`).
 *
 * @example
 * dpmSolverMultistepOrder(0, 25, 0, { solverOrder: 2, lowerOrderFinal: true, eulerAtFinal: false, finalSigmaZero: true }); // 1
 */
export function dpmSolverMultistepOrder(
  stepIndex: number,
  numSteps: number,
  lowerOrderNums: number,
  o: { solverOrder: number; lowerOrderFinal: boolean; eulerAtFinal: boolean; finalSigmaZero: boolean },
): 1 | 2 | 3 {
  const lowerOrderFinal =
    stepIndex === numSteps - 1 && (o.eulerAtFinal || (o.lowerOrderFinal && numSteps < 15) || o.finalSigmaZero);
  const lowerOrderSecond = stepIndex === numSteps - 2 && o.lowerOrderFinal && numSteps < 15;
  if (o.solverOrder === 1 || lowerOrderNums < 1 || lowerOrderFinal) return 1;
  if (o.solverOrder === 2 || lowerOrderNums < 2 || lowerOrderSecond) return 2;
  return 3;
}

/**
 * diffusers' order list of DPMSolverSinglestepScheduler for `steps` steps; with a final sigma of 0
 * the last step is always first order (a higher order would divide by a zero step ratio).
 *
 * @example
 * dpmSolverSinglestepOrders(10, 2, true); // [1,2,1,2,1,2,1,2,1,1]
 */
export function dpmSolverSinglestepOrders(steps: number, order: number, lowerOrderFinal: boolean, finalSigmaZero = false): number[] {
  const orders = singlestepOrderPattern(steps, order, lowerOrderFinal);
  if (finalSigmaZero && orders.length > 0) orders[orders.length - 1] = 1;
  return orders;
}

function singlestepOrderPattern(steps: number, order: number, lowerOrderFinal: boolean): number[] {
  const rep = (pattern: number[], times: number): number[] => {
    const out: number[] = [];
    for (let i = 0; i < times; i++) out.push(...pattern);
    return out;
  };
  if (lowerOrderFinal) {
    if (order === 3) {
      if (steps % 3 === 0) return [...rep([1, 2, 3], steps / 3 - 1), 1, 2, 1];
      if (steps % 3 === 1) return [...rep([1, 2, 3], (steps - 1) / 3), 1];
      return [...rep([1, 2, 3], (steps - 2) / 3), 1, 2];
    }
    if (order === 2) {
      if (steps % 2 === 0) return [...rep([1, 2], steps / 2 - 1), 1, 1];
      return [...rep([1, 2], (steps - 1) / 2), 1];
    }
    return rep([1], steps);
  }
  if (order === 3) return rep([1, 2, 3], Math.floor(steps / 3));
  if (order === 2) return rep([1, 2], Math.floor(steps / 2));
  return rep([1], steps);
}
