/**
 * UniPC (bh1 / bh2, data prediction) in k-diffusion's shape, on the same coefficient kernels as
 * UniPCMultistepScheduler, re-expressed in VE space: from step 1 on, the UniC corrector first
 * rewrites the current sample with the new denoised value, then the UniP predictor steps.
 */
import { combineInto, vpToVeCoefficientsInPlace } from '../maths/dpm-solver-core';
import { createUniPCScratch, uniPCCoefficientsInto, uniPCOrder, type UniPCSolverType } from '../maths/unipc';
import { checkSampleArguments, denoise, throwIfAborted } from './checks';
import type { Denoiser, MultistepSampleOptions } from './types';

/** Options of `sampleUniPC`. */
export interface UniPCSampleOptions extends MultistepSampleOptions {
  /** Predictor order, 1–3 (default 2). */
  readonly order?: number;
  /** B(h) variant (default `'bh2'`). */
  readonly solverType?: UniPCSolverType;
  /** Step indices whose outgoing sample is not corrected (diffusers' `disable_corrector`). */
  readonly disableCorrector?: readonly number[];
}

/**
 * UniPC predictor–corrector sampling.
 *
 * @example
 * const out = await sampleUniPC(denoiser, x, sigmas, { order: 2, solverType: 'bh2' });
 */
export async function sampleUniPC(denoiser: Denoiser, x: Float32Array, sigmas: ArrayLike<number>, options: UniPCSampleOptions = {}): Promise<Float32Array> {
  const s = checkSampleArguments(denoiser, x, sigmas, options);
  const solverOrder = Math.max(1, Math.min(3, Math.floor(options.order ?? 2)));
  const solverType = options.solverType ?? 'bh2';
  const disable = options.disableCorrector ?? [];
  const lowerOrderFinal = options.lowerOrderFinal ?? true;
  const n = x.length;
  const cur = Float32Array.from(x);
  const last = new Float32Array(n);
  const hist = [new Float32Array(n), new Float32Array(n), new Float32Array(n), new Float32Array(n)];
  const c = new Float64Array(6);
  const sig = new Float64Array(3);
  const scratch = createUniPCScratch(3);
  const total = s.length - 1;
  let lowerOrderNums = 0;
  let thisOrder = 0;
  for (let i = 0; i < total; i++) {
    throwIfAborted(options.signal);
    // the ring's spare buffer receives this step's denoised value; hist[0..] stay the older ones
    const d = hist[3]!;
    await denoise(denoiser, cur, s[i]!, d, i);
    if (i > 0 && !disable.includes(i - 1)) {
      const p = thisOrder;
      for (let k = 0; k < p; k++) sig[k] = s[i - 1 - k]!;
      uniPCCoefficientsInto(c, 'corrector', p, s[i]!, sig, solverType, true, scratch);
      vpToVeCoefficientsInPlace(c, p + 2, s[i - 1]!, s[i]!);
      combineInto(cur, c, last, hist[0]!, p > 1 ? hist[1] : d, p > 2 ? hist[2] : p > 1 ? d : undefined, p > 2 ? d : undefined);
    }
    hist[3] = hist[2]!;
    hist[2] = hist[1]!;
    hist[1] = hist[0]!;
    hist[0] = d;
    const order = uniPCOrder(i, total, lowerOrderNums, solverOrder, lowerOrderFinal);
    thisOrder = order;
    last.set(cur);
    for (let k = 0; k < order; k++) sig[k] = s[i - k]!;
    uniPCCoefficientsInto(c, 'predictor', order, s[i + 1]!, sig, solverType, true, scratch);
    vpToVeCoefficientsInPlace(c, order + 1, s[i]!, s[i + 1]!);
    combineInto(cur, c, last, d, order > 1 ? hist[1] : undefined, order > 2 ? hist[2] : undefined);
    if (lowerOrderNums < solverOrder) lowerOrderNums++;
    options.onStep?.({ type: 'step', index: i, total, sigma: s[i]!, sigmaNext: s[i + 1]!, x: cur, denoised: d });
  }
  return cur;
}
