/**
 * k-diffusion's Euler sampler (diffusers' EulerDiscreteScheduler with `s_churn = 0`), on A's Euler kernel.
 */
import { eulerStep } from '../maths/k-diffusion';
import { checkSampleArguments, denoise, throwIfAborted } from './checks';
import type { Denoiser, SampleOptions } from './types';

/**
 * Euler's method on the probability-flow ODE: `x ← x + (x - D(x, σ))/σ·(σ_next - σ)`.
 * `x` starts at noise level `sigmas[0]` (VE: `noise·sigmas[0]`); it is not mutated.
 *
 * @example
 * const out = await sampleEuler(denoiser, noise.map((v) => v * sigmas[0]), sigmas);
 */
export async function sampleEuler(denoiser: Denoiser, x: Float32Array, sigmas: ArrayLike<number>, options: SampleOptions = {}): Promise<Float32Array> {
  const s = checkSampleArguments(denoiser, x, sigmas, options);
  const cur = Float32Array.from(x);
  const denoised = new Float32Array(x.length);
  const total = s.length - 1;
  for (let i = 0; i < total; i++) {
    throwIfAborted(options.signal);
    await denoise(denoiser, cur, s[i]!, denoised, i);
    eulerStep(cur, denoised, s[i]!, s[i + 1]!, cur);
    options.onStep?.({ type: 'step', index: i, total, sigma: s[i]!, sigmaNext: s[i + 1]!, x: cur, denoised });
  }
  return cur;
}
