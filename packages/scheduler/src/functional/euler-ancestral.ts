/**
 * k-diffusion's Euler-ancestral sampler (diffusers' EulerAncestralDiscreteScheduler), on A's kernels.
 */
import { ancestralSigmas, eulerAncestralStep } from '../maths/k-diffusion';
import { checkSampleArguments, denoise, requireRng, throwIfAborted } from './checks';
import type { Denoiser, SampleOptions } from './types';

/**
 * Euler-ancestral: an Euler step to `σ_down`, then `σ_up·noise`. Noise is drawn at every step,
 * the last included (where `σ_up = 0`), as diffusers does, so the rng stream matches the class layer.
 *
 * @example
 * const out = await sampleEulerAncestral(denoiser, x, sigmas, { rng: createRng(42) });
 */
export async function sampleEulerAncestral(denoiser: Denoiser, x: Float32Array, sigmas: ArrayLike<number>, options: SampleOptions = {}): Promise<Float32Array> {
  const s = checkSampleArguments(denoiser, x, sigmas, options);
  const rng = requireRng('euler_ancestral', options);
  const cur = Float32Array.from(x);
  const denoised = new Float32Array(x.length);
  const noise = new Float32Array(x.length);
  const total = s.length - 1;
  for (let i = 0; i < total; i++) {
    throwIfAborted(options.signal);
    const sigma = s[i]!;
    const sigmaNext = s[i + 1]!;
    await denoise(denoiser, cur, sigma, denoised, i);
    const { sigmaUp, sigmaDown } = ancestralSigmas(sigma, sigmaNext);
    rng.normal(noise);
    eulerAncestralStep(cur, denoised, sigma, sigmaDown, sigmaUp, noise, cur);
    options.onStep?.({ type: 'step', index: i, total, sigma, sigmaNext, x: cur, denoised });
  }
  return cur;
}
