/**
 * Argument checks shared by the functional samplers, and the between-steps abort check.
 */
import { firstNonFinite } from '@diffmac/base';
import { SchedulerError } from '../errors';
import { checkTensor } from '../validate';
import type { Denoiser, SampleOptions } from './types';

/**
 * Validate a sampler call: a denoiser function, a finite Float32Array `x`, and at least two finite,
 * non-negative sigmas. Returns the sigmas as float64 (copied once, before the loop).
 *
 * @example
 * const s = checkSampleArguments(denoiser, x, sigmas, options);
 */
export function checkSampleArguments(denoiser: unknown, x: unknown, sigmas: unknown, options: SampleOptions): Float64Array {
  if (typeof denoiser !== 'function') {
    throw new SchedulerError('INVALID_ARGUMENT', `Expected a function (x, sigma, out) => void for denoiser, received ${typeof denoiser}`, { argument: 'denoiser', expected: 'a function (x, sigma, out) => void', received: typeof denoiser });
  }
  checkTensor('x', x);
  if (sigmas === null || typeof sigmas !== 'object' || typeof (sigmas as ArrayLike<number>).length !== 'number') {
    throw new SchedulerError('INVALID_ARGUMENT', `Expected an array of sigmas, received ${typeof sigmas}`, { argument: 'sigmas', expected: 'an array of at least 2 sigmas', received: typeof sigmas });
  }
  const s = Float64Array.from(sigmas as ArrayLike<number>);
  if (s.length < 2) throw new SchedulerError('LENGTH_MISMATCH', `Expected at least 2 sigmas (start and end), received ${s.length}`, { argument: 'sigmas', expected: 'at least 2 values', received: `${s.length} values` });
  for (let i = 0; i < s.length; i++) {
    const v = s[i]!;
    if (!Number.isFinite(v) || v < 0) throw new SchedulerError('INVALID_ARGUMENT', `Expected finite sigmas >= 0, received ${v} at sigmas[${i}]`, { argument: 'sigmas', expected: 'finite values >= 0', received: `${v} at index ${i}` });
  }
  if (options.signal !== undefined && !(typeof options.signal === 'object' && 'aborted' in options.signal)) {
    throw new SchedulerError('INVALID_ARGUMENT', 'Expected an AbortSignal for options.signal', { argument: 'options.signal', expected: 'an AbortSignal', received: typeof options.signal });
  }
  if (options.onStep !== undefined && typeof options.onStep !== 'function') {
    throw new SchedulerError('INVALID_ARGUMENT', 'Expected a function for options.onStep', { argument: 'options.onStep', expected: 'a function', received: typeof options.onStep });
  }
  return s;
}

/**
 * The noise source of a stochastic sampler, or a typed error naming `options.rng`.
 *
 * @example
 * const rng = requireRng('dpmpp_2m_sde', options);
 */
export function requireRng(sampler: string, options: SampleOptions): NonNullable<SampleOptions['rng']> {
  const rng = options.rng;
  if (!rng || typeof rng.normal !== 'function') {
    throw new SchedulerError('MISSING_RNG', `The ${sampler} sampler draws noise: pass options.rng ({ normal(out: Float32Array): void }), e.g. createRng(seed)`, {
      argument: 'options.rng',
      expected: 'a NoiseSource { normal(out) }',
      received: String(rng),
    });
  }
  return rng;
}

/**
 * Reject with the signal's reason if it was aborted (called before every step).
 *
 * @example
 * throwIfAborted(options.signal);
 */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason ?? new SchedulerError('ABORTED', 'Sampling was aborted', { argument: 'options.signal' });
}

/**
 * Call the denoiser and check it wrote finite values (one pass, no allocation).
 *
 * @example
 * await denoise(denoiser, x, sigma, denoised, i);
 */
export async function denoise(denoiser: Denoiser, x: Float32Array, sigma: number, out: Float32Array, step: number): Promise<void> {
  const returned: unknown = await denoiser(x, sigma, out);
  if (returned !== undefined && returned !== out) {
    throw new SchedulerError('DENOISER_RETURNED_VALUE', `The denoiser returned ${returned === null ? 'null' : typeof returned === 'object' ? (returned as object).constructor?.name ?? 'an object' : typeof returned} at step ${step} instead of writing the denoised sample into its third argument \`out\`: write into out and return nothing`, {
      argument: 'denoiser',
      expected: '(x, sigma, out) => void, writing into out',
      received: 'a returned value',
    });
  }
  const i = firstNonFinite(out);
  if (i >= 0) {
    const v = out[i]!;
    throw new SchedulerError('NON_FINITE', `The denoiser returned ${v} at index ${i} (step ${step}, sigma ${sigma})`, { argument: 'denoiser output', expected: 'finite values', received: `${v} at index ${i}` });
  }
}
