/**
 * DEIS (log-rho multistep, orders 1–3) update coefficients, as diffusers'
 * `DEISMultistepScheduler` computes them, expanded into one linear combination over noise
 * predictions: `x_next = c[0]*x + c[1]*e0 + c[2]*e1 + c[3]*e2` (e0 newest). VE sigmas, VP samples;
 * `rho = sigma_t/alpha_t` is the VE sigma.
 */

import { vpQuantitiesInto } from './dpm-solver-core';

const f = Math.fround;

/** ∫ (log τ − log c)/(log b − log c) dτ, evaluated at t. */
function ind2(t: number, b: number, c: number): number {
  return (t * (-Math.log(c) + Math.log(t) - 1)) / (Math.log(b) - Math.log(c));
}

/** ∫ (log τ − log c)(log τ − log d) / ((log b − log c)(log b − log d)) dτ, evaluated at t. */
function ind3(t: number, b: number, c: number, d: number): number {
  const lt = Math.log(t);
  const lc = Math.log(c);
  const ld = Math.log(d);
  const lb = Math.log(b);
  const num = t * (lc * (ld - lt + 1) - ld * lt + ld + lt * lt - 2 * lt + 2);
  return num / ((lb - lc) * (lb - ld));
}

/**
 * Coefficients of one DEIS update of `order` from `sigmas[0]` (current; `sigma1`, `sigma2` are the
 * sigmas of the older outputs) to `sigmaNext`. Writes `[cX, cE0, cE1, cE2]`; `scratch` is a
 * Float64Array(3).
 *
 * @example
 * deisCoefficientsInto(new Float64Array(4), 2, 0.5, 0.8, 1.2, 0, new Float64Array(3));
 */
export function deisCoefficientsInto(
  out: Float64Array,
  order: 1 | 2 | 3,
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
  out[2] = 0;
  out[3] = 0;
  if (order === 1) {
    const h = f(lambdaT - lambdaS0);
    out[0] = f(alphaT / alphaS0);
    out[1] = -sigmaT * (f(Math.exp(h)) - 1);
    return out;
  }
  const rhoT = f(sigmaT / alphaT);
  const rhoS0 = f(sigmaS0 / alphaS0);
  vpQuantitiesInto(scratch, sigma1);
  const rhoS1 = f(scratch[1]! / scratch[0]!);
  out[0] = f(alphaT / alphaS0);
  if (order === 2) {
    const coef1 = ind2(rhoT, rhoS0, rhoS1) - ind2(rhoS0, rhoS0, rhoS1);
    const coef2 = ind2(rhoT, rhoS1, rhoS0) - ind2(rhoS0, rhoS1, rhoS0);
    out[1] = alphaT * coef1;
    out[2] = alphaT * coef2;
    return out;
  }
  vpQuantitiesInto(scratch, sigma2);
  const rhoS2 = f(scratch[1]! / scratch[0]!);
  const coef1 = ind3(rhoT, rhoS0, rhoS1, rhoS2) - ind3(rhoS0, rhoS0, rhoS1, rhoS2);
  const coef2 = ind3(rhoT, rhoS1, rhoS2, rhoS0) - ind3(rhoS0, rhoS1, rhoS2, rhoS0);
  const coef3 = ind3(rhoT, rhoS2, rhoS0, rhoS1) - ind3(rhoS0, rhoS2, rhoS0, rhoS1);
  out[1] = alphaT * coef1;
  out[2] = alphaT * coef2;
  out[3] = alphaT * coef3;
  return out;
}

/**
 * The DEIS order diffusers uses at `stepIndex` of `numSteps` (lower orders at the end only when
 * `numSteps < 15`).
 *
 * @example
 * deisOrder(24, 25, 2, 2, true); // 2
 */
export function deisOrder(stepIndex: number, numSteps: number, lowerOrderNums: number, solverOrder: number, lowerOrderFinal: boolean): 1 | 2 | 3 {
  const lof = stepIndex === numSteps - 1 && lowerOrderFinal && numSteps < 15;
  const los = stepIndex === numSteps - 2 && lowerOrderFinal && numSteps < 15;
  if (solverOrder === 1 || lowerOrderNums < 1 || lof) return 1;
  if (solverOrder === 2 || lowerOrderNums < 2 || los) return 2;
  return 3;
}
