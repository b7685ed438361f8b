/**
 * k-diffusion's linear multistep sampler (diffusers' LMSDiscreteScheduler), on A's kernels. The
 * coefficients of every step are computed before the loop.
 */
import { derivative, lmsCoefficients, lmsStep } from '../maths/k-diffusion';
import { checkSampleArguments, denoise, throwIfAborted } from './checks';
import type { Denoiser, SampleOptions } from './types';

/** Options of `sampleLms`. */
export interface LmsSampleOptions extends SampleOptions {
  /** Maximum order (diffusers' default 4). */
  readonly order?: number;
}

/**
 * Linear multistep: `x ← x + Σ_j c_j·d_{i-j}`, with `c_j` the integrals of the Lagrange basis over
 * [σ_i, σ_{i+1}] and `d` the derivatives `(x - D)/σ`, newest first; order `min(i+1, order)`.
 *
 * @example
 * const out = await sampleLms(denoiser, x, sigmas, { order: 4 });
 */
export async function sampleLms(denoiser: Denoiser, x: Float32Array, sigmas: ArrayLike<number>, options: LmsSampleOptions = {}): Promise<Float32Array> {
  const s = checkSampleArguments(denoiser, x, sigmas, options);
  const maxOrder = Math.max(1, Math.min(4, Math.floor(options.order ?? 4)));
  const total = s.length - 1;
  const sigmasF32 = Float32Array.from(s);
  const coeffs: Float64Array[] = [];
  for (let i = 0; i < total; i++) coeffs.push(lmsCoefficients(sigmasF32, i, Math.min(i + 1, maxOrder)));
  const cur = Float32Array.from(x);
  const denoised = new Float32Array(x.length);
  const ds: Float32Array[] = [];
  for (let k = 0; k < maxOrder; k++) ds.push(new Float32Array(x.length));
  for (let i = 0; i < total; i++) {
    throwIfAborted(options.signal);
    await denoise(denoiser, cur, s[i]!, denoised, i);
    // rotate the derivative ring: the oldest buffer becomes the newest
    const oldest = ds.pop()!;
    ds.unshift(oldest);
    derivative(cur, denoised, s[i]!, oldest);
    lmsStep(cur, coeffs[i]!, ds, cur);
    options.onStep?.({ type: 'step', index: i, total, sigma: s[i]!, sigmaNext: s[i + 1]!, x: cur, denoised });
  }
  return cur;
}
