/**
 * Types of the functional (k-diffusion style) sampler layer: a denoiser maps a noisy sample at
 * noise level sigma to its x0 estimate; samplers walk a sigma array with their multistep state kept
 * local; the sample lives in VE (k-diffusion) space, `x = x0 + sigma·eps`.
 */
import type { NoiseSource } from '@diffmac/base';

/**
 * A denoiser: write the x0 estimate of the VE sample `x` at noise level `sigma` into `out`.
 * `x` must not be modified; it may be reused by the sampler after the call returns.
 */
export type Denoiser = (x: Float32Array, sigma: number, out: Float32Array) => void | Promise<void>;

/**
 * A network in diffusers' convention: it sees the VP-scaled input `x/sqrt(σ²+1)` and the timestep `t`,
 * and either writes its prediction into `out` or returns it (the wrapper then copies it).
 */
export type DiffusionModel = (input: Float32Array, t: number, out: Float32Array) => void | Float32Array | Promise<void | Float32Array>;

/** What a functional sampler reports after each step. */
export interface SampleStepEvent {
  readonly type: 'step';
  /** Step number, from 0. */
  readonly index: number;
  /** Number of steps (`sigmas.length - 1`). */
  readonly total: number;
  /** Noise level the step started from. */
  readonly sigma: number;
  /** Noise level the step reached. */
  readonly sigmaNext: number;
  /** The sample after the step (the sampler's own buffer: read it, copy it, do not keep or modify it). */
  readonly x: Float32Array;
  /** The denoiser's x0 estimate of this step (same caveat as `x`). */
  readonly denoised: Float32Array;
}

/** Options of every functional sampler. */
export interface SampleOptions {
  /** The only noise source (stochastic samplers call `rng.normal(out)` once per step, in diffusers' order). */
  readonly rng?: NoiseSource;
  /** Checked before every step; an aborted run rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Called after every step. */
  readonly onStep?: (event: SampleStepEvent) => void;
}

/** Options of the multistep exponential-integrator samplers (DPM-Solver++, UniPC, DEIS). */
export interface MultistepSampleOptions extends SampleOptions {
  /**
   * diffusers' `lower_order_final`: below 15 steps, cap the last steps' order (default true). With a
   * final sigma of 0 the last step is always first order, as in diffusers.
   */
  readonly lowerOrderFinal?: boolean;
}

/** The functional samplers by name (k-diffusion's names). */
export type FunctionalSamplerName =
  | 'euler'
  | 'euler_ancestral'
  | 'heun'
  | 'lms'
  | 'dpmpp_2m'
  | 'dpmpp_2m_sde'
  | 'dpmpp_3m'
  | 'dpmpp_3m_sde'
  | 'unipc'
  | 'deis';
