/**
 * `sample(denoiser, x, sigmas, { sampler, rng, signal, onStep })`: one entry point over every
 * functional sampler, and the table of functional samplers with their order and stochasticity.
 */
import { SchedulerError } from '../errors';
import { sampleDeis, type DeisSampleOptions } from './deis';
import { sampleDpmpp2m, sampleDpmpp2mSde, sampleDpmpp3m, sampleDpmpp3mSde } from './dpm-solver';
import { sampleEuler } from './euler';
import { sampleEulerAncestral } from './euler-ancestral';
import { sampleHeun } from './heun';
import { sampleLms, type LmsSampleOptions } from './lms';
import type { Denoiser, FunctionalSamplerName, MultistepSampleOptions } from './types';
import { sampleUniPC, type UniPCSampleOptions } from './unipc';

/** One functional sampler. */
export interface FunctionalSamplerEntry {
  readonly name: FunctionalSamplerName;
  /** Denoiser calls per step. */
  readonly order: number;
  /** Whether it draws noise (then `options.rng` is required). */
  readonly stochastic: boolean;
  /** The diffusers class (and config) it reproduces given the same sigmas. */
  readonly diffusers: string;
  readonly run: (denoiser: Denoiser, x: Float32Array, sigmas: ArrayLike<number>, options: FunctionalSampleOptions) => Promise<Float32Array>;
}

/** Options of `sample`: the sampler name plus that sampler's options. */
export interface FunctionalSampleOptions extends MultistepSampleOptions, Omit<LmsSampleOptions, keyof MultistepSampleOptions>, Omit<UniPCSampleOptions, keyof MultistepSampleOptions | 'order'>, Omit<DeisSampleOptions, keyof MultistepSampleOptions | 'order'> {
  /** Which sampler (default `'euler'`). */
  readonly sampler?: FunctionalSamplerName;
  /** Order of LMS (max 4), UniPC and DEIS (1–3). */
  readonly order?: number;
}

/**
 * Every functional sampler.
 *
 * @example
 * FUNCTIONAL_SAMPLERS.filter((s) => s.stochastic).map((s) => s.name); // ['euler_ancestral', 'dpmpp_2m_sde', 'dpmpp_3m_sde']
 */
export const FUNCTIONAL_SAMPLERS: readonly FunctionalSamplerEntry[] = Object.freeze([
  { name: 'euler', order: 1, stochastic: false, diffusers: 'EulerDiscreteScheduler', run: sampleEuler },
  { name: 'euler_ancestral', order: 1, stochastic: true, diffusers: 'EulerAncestralDiscreteScheduler', run: sampleEulerAncestral },
  { name: 'heun', order: 2, stochastic: false, diffusers: 'HeunDiscreteScheduler', run: sampleHeun },
  { name: 'lms', order: 1, stochastic: false, diffusers: 'LMSDiscreteScheduler', run: sampleLms },
  { name: 'dpmpp_2m', order: 1, stochastic: false, diffusers: 'DPMSolverMultistepScheduler', run: sampleDpmpp2m },
  { name: 'dpmpp_2m_sde', order: 1, stochastic: true, diffusers: 'DPMSolverMultistepScheduler (algorithm_type sde-dpmsolver++)', run: sampleDpmpp2mSde },
  { name: 'dpmpp_3m', order: 1, stochastic: false, diffusers: 'DPMSolverMultistepScheduler (solver_order 3)', run: sampleDpmpp3m },
  { name: 'dpmpp_3m_sde', order: 1, stochastic: true, diffusers: 'DPMSolverMultistepScheduler (sde-dpmsolver++, solver_order 3)', run: sampleDpmpp3mSde },
  { name: 'unipc', order: 1, stochastic: false, diffusers: 'UniPCMultistepScheduler', run: (d, x, s, o) => sampleUniPC(d, x, s, o) },
  { name: 'deis', order: 1, stochastic: false, diffusers: 'DEISMultistepScheduler', run: (d, x, s, o) => sampleDeis(d, x, s, o) },
]);

/**
 * Run a functional sampler: start from `x` at noise level `sigmas[0]` (VE space, i.e. unit noise
 * times `sigmas[0]`), walk the sigmas with the multistep state kept local, return the final sample
 * (a new array; `x` is not mutated). The AbortSignal is checked between steps.
 *
 * @example
 * const denoiser = epsilonDenoiser(unet, scheduler.alphasCumprod);
 * const x = noise.map((v) => v * sigmas[0]);
 * const out = await sample(denoiser, x, sigmas, { sampler: 'dpmpp_2m_sde', rng: createRng(1), signal, onStep: (e) => report(e.index) });
 */
export function sample(denoiser: Denoiser, x: Float32Array, sigmas: ArrayLike<number>, options: FunctionalSampleOptions = {}): Promise<Float32Array> {
  const name = options.sampler ?? 'euler';
  const entry = FUNCTIONAL_SAMPLERS.find((s) => s.name === name);
  if (!entry) {
    const valid = FUNCTIONAL_SAMPLERS.map((s) => s.name).join(', ');
    return Promise.reject(new SchedulerError('UNKNOWN_SAMPLER', `Unknown functional sampler ${JSON.stringify(name)}; expected one of ${valid}`, { argument: 'options.sampler', expected: valid, received: JSON.stringify(name) }));
  }
  return entry.run(denoiser, x, sigmas, options);
}
