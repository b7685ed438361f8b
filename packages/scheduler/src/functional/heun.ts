/**
 * k-diffusion's Heun sampler (diffusers' HeunDiscreteScheduler), on A's kernels: two denoiser
 * calls per step, a plain Euler step when the next sigma is 0.
 */
import { derivative, eulerStep, heunCorrect } from '../maths/k-diffusion';
import { checkSampleArguments, denoise, throwIfAborted } from './checks';
import type { Denoiser, SampleOptions } from './types';

/**
 * Heun's second-order method: Euler to `σ_next`, then average the two slopes.
 *
 * @example
 * const out = await sampleHeun(denoiser, x, sigmas);
 */
export async function sampleHeun(denoiser: Denoiser, x: Float32Array, sigmas: ArrayLike<number>, options: SampleOptions = {}): Promise<Float32Array> {
  const s = checkSampleArguments(denoiser, x, sigmas, options);
  const cur = Float32Array.from(x);
  const denoised = new Float32Array(x.length);
  const denoised2 = new Float32Array(x.length);
  const d = new Float32Array(x.length);
  const x2 = new Float32Array(x.length);
  const total = s.length - 1;
  for (let i = 0; i < total; i++) {
    throwIfAborted(options.signal);
    const sigma = s[i]!;
    const sigmaNext = s[i + 1]!;
    await denoise(denoiser, cur, sigma, denoised, i);
    if (sigmaNext === 0) {
      eulerStep(cur, denoised, sigma, sigmaNext, cur);
    } else {
      derivative(cur, denoised, sigma, d);
      eulerStep(cur, denoised, sigma, sigmaNext, x2);
      throwIfAborted(options.signal);
      await denoise(denoiser, x2, sigmaNext, denoised2, i);
      heunCorrect(cur, d, x2, denoised2, sigmaNext, Math.fround(sigmaNext - sigma), cur);
    }
    options.onStep?.({ type: 'step', index: i, total, sigma, sigmaNext, x: cur, denoised });
  }
  return cur;
}
