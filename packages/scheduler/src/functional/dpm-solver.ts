/**
 * DPM-Solver++ multistep samplers in k-diffusion's shape (`dpmpp_2m`, `dpmpp_2m_sde`, `dpmpp_3m`,
 * `dpmpp_3m_sde`), on the same coefficient kernels as DPMSolverMultistepScheduler: the VP
 * coefficients are re-expressed in VE space, so with the same sigmas and model they reproduce the
 * class layer (whose samples are `alpha·x`). The order follows diffusers: first order at the first
 * step and at a final sigma of 0; with `lowerOrderFinal` and fewer than 15 steps, the
 * second-to-last step is capped at order 2. Noise (SDE variants) is drawn at every step, the last
 * included, as diffusers does.
 */
import { combineInto, vpToVeCoefficientsInPlace } from '../maths/dpm-solver-core';
import { dpmSolverMultistepCoefficientsInto, dpmSolverMultistepOrder, type DpmAlgorithm } from '../maths/dpm-solver';
import { checkSampleArguments, denoise, requireRng, throwIfAborted } from './checks';
import type { Denoiser, MultistepSampleOptions } from './types';

async function dpmppMultistep(
  name: string,
  algorithm: DpmAlgorithm,
  solverOrder: 2 | 3,
  denoiser: Denoiser,
  x: Float32Array,
  sigmas: ArrayLike<number>,
  options: MultistepSampleOptions,
): Promise<Float32Array> {
  const s = checkSampleArguments(denoiser, x, sigmas, options);
  const rng = algorithm === 'sde-dpmsolver++' ? requireRng(name, options) : undefined;
  const n = x.length;
  const cur = Float32Array.from(x);
  const hist = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
  const noise = rng ? new Float32Array(n) : undefined;
  const c = new Float64Array(5);
  const scratch = new Float64Array(12);
  const total = s.length - 1;
  const lowerOrderFinal = options.lowerOrderFinal ?? true;
  const finalSigmaZero = s[total] === 0;
  let lowerOrderNums = 0;
  for (let i = 0; i < total; i++) {
    throwIfAborted(options.signal);
    // rotate the history ring: the oldest buffer receives this step's denoised
    const d0 = hist[2]!;
    hist[2] = hist[1]!;
    hist[1] = hist[0]!;
    hist[0] = d0;
    await denoise(denoiser, cur, s[i]!, d0, i);
    const order = dpmSolverMultistepOrder(i, total, lowerOrderNums, { solverOrder, lowerOrderFinal, eulerAtFinal: false, finalSigmaZero });
    if (noise) rng!.normal(noise);
    dpmSolverMultistepCoefficientsInto(c, order, algorithm, 'midpoint', s[i + 1]!, s[i]!, s[i - 1] ?? 0, s[i - 2] ?? 0, scratch);
    vpToVeCoefficientsInPlace(c, 5, s[i]!, s[i + 1]!);
    combineInto(cur, c, cur, d0, order > 1 ? hist[1] : undefined, order > 2 ? hist[2] : undefined, noise);
    if (lowerOrderNums < solverOrder) lowerOrderNums++;
    options.onStep?.({ type: 'step', index: i, total, sigma: s[i]!, sigmaNext: s[i + 1]!, x: cur, denoised: d0 });
  }
  return cur;
}

/**
 * DPM-Solver++(2M): second-order multistep on the data prediction.
 *
 * @example
 * const out = await sampleDpmpp2m(denoiser, x, sigmas);
 */
export function sampleDpmpp2m(denoiser: Denoiser, x: Float32Array, sigmas: ArrayLike<number>, options: MultistepSampleOptions = {}): Promise<Float32Array> {
  return dpmppMultistep('dpmpp_2m', 'dpmsolver++', 2, denoiser, x, sigmas, options);
}

/**
 * DPM-Solver++(2M) SDE (midpoint), one noise tensor per step from `options.rng`.
 *
 * @example
 * const out = await sampleDpmpp2mSde(denoiser, x, sigmas, { rng: createRng(7) });
 */
export function sampleDpmpp2mSde(denoiser: Denoiser, x: Float32Array, sigmas: ArrayLike<number>, options: MultistepSampleOptions = {}): Promise<Float32Array> {
  return dpmppMultistep('dpmpp_2m_sde', 'sde-dpmsolver++', 2, denoiser, x, sigmas, options);
}

/**
 * DPM-Solver++(3M): third-order multistep (diffusers' `solver_order=3`).
 *
 * @example
 * const out = await sampleDpmpp3m(denoiser, x, sigmas);
 */
export function sampleDpmpp3m(denoiser: Denoiser, x: Float32Array, sigmas: ArrayLike<number>, options: MultistepSampleOptions = {}): Promise<Float32Array> {
  return dpmppMultistep('dpmpp_3m', 'dpmsolver++', 3, denoiser, x, sigmas, options);
}

/**
 * DPM-Solver++(3M) SDE, one noise tensor per step from `options.rng`.
 *
 * @example
 * const out = await sampleDpmpp3mSde(denoiser, x, sigmas, { rng: createRng(7) });
 */
export function sampleDpmpp3mSde(denoiser: Denoiser, x: Float32Array, sigmas: ArrayLike<number>, options: MultistepSampleOptions = {}): Promise<Float32Array> {
  return dpmppMultistep('dpmpp_3m_sde', 'sde-dpmsolver++', 3, denoiser, x, sigmas, options);
}
