/**
 * DEIS (log-rho multistep, orders 1–3) in k-diffusion's shape, on the same coefficient kernels as
 * DEISMultistepScheduler, re-expressed in VE space. DEIS integrates noise predictions
 * `eps = (x - D(x, σ))/σ`. The final sigma must be > 0 (diffusers ends at sigma(t=0)).
 */
import { combineInto, vpToVeCoefficientsInPlace } from '../maths/dpm-solver-core';
import { deisCoefficientsInto, deisOrder } from '../maths/deis';
import { SchedulerError } from '../errors';
import { checkSampleArguments, denoise, throwIfAborted } from './checks';
import type { Denoiser, MultistepSampleOptions } from './types';

/** Options of `sampleDeis`. */
export interface DeisSampleOptions extends MultistepSampleOptions {
  /** Order, 1–3 (default 2). */
  readonly order?: number;
}

/**
 * DEIS multistep sampling.
 *
 * @example
 * const out = await sampleDeis(denoiser, x, deisScheduler.sigmas, { order: 3 });
 */
export async function sampleDeis(denoiser: Denoiser, x: Float32Array, sigmas: ArrayLike<number>, options: DeisSampleOptions = {}): Promise<Float32Array> {
  const s = checkSampleArguments(denoiser, x, sigmas, options);
  const total = s.length - 1;
  if (s[total] === 0) {
    throw new SchedulerError('INVALID_ARGUMENT', 'DEIS needs a final sigma > 0 (diffusers ends at sigma(t=0)); received sigmas ending in 0', { argument: 'sigmas', expected: 'a last value > 0', received: '0' });
  }
  const solverOrder = Math.max(1, Math.min(3, Math.floor(options.order ?? 2)));
  const lowerOrderFinal = options.lowerOrderFinal ?? true;
  const n = x.length;
  const cur = Float32Array.from(x);
  const denoised = new Float32Array(n);
  const eps = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
  const c = new Float64Array(4);
  const scratch = new Float64Array(3);
  let lowerOrderNums = 0;
  for (let i = 0; i < total; i++) {
    throwIfAborted(options.signal);
    const sigma = s[i]!;
    await denoise(denoiser, cur, sigma, denoised, i);
    const e0 = eps[2]!;
    eps[2] = eps[1]!;
    eps[1] = eps[0]!;
    eps[0] = e0;
    for (let k = 0; k < n; k++) e0[k] = (cur[k]! - denoised[k]!) / sigma;
    const order = deisOrder(i, total, lowerOrderNums, solverOrder, lowerOrderFinal);
    deisCoefficientsInto(c, order, s[i + 1]!, sigma, s[i - 1] ?? 0, s[i - 2] ?? 0, scratch);
    vpToVeCoefficientsInPlace(c, 4, sigma, s[i + 1]!);
    combineInto(cur, c, cur, e0, order > 1 ? eps[1] : undefined, order > 2 ? eps[2] : undefined);
    if (lowerOrderNums < solverOrder) lowerOrderNums++;
    options.onStep?.({ type: 'step', index: i, total, sigma, sigmaNext: s[i + 1]!, x: cur, denoised });
  }
  return cur;
}
