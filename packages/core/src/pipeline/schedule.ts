/**
 * Sigma schedules for the pipeline's samplers: the Euler-family sigmas of a `scheduler_config.json`,
 * cut for img2img strength or started at a given training timestep.
 */
import { createScheduler, FUNCTIONAL_SAMPLERS, listSamplers, type FunctionalSamplerName, type SchedulerConfig } from '@diffmac/scheduler';
import { DiffmacError } from '@diffmac/base';

/** A sampler the pipeline accepts: a functional (k-diffusion) name or a diffusers scheduler class. */
export type PipelineSampler = FunctionalSamplerName | (string & {});

/**
 * Whether `name` is a functional sampler (`euler`, `dpmpp_2m`, ...), a diffusers class
 * (`DDIMScheduler`, ...), or neither (throws `UNKNOWN_SAMPLER` listing both).
 *
 * @example
 * samplerKind('dpmpp_2m'); // 'functional'
 */
export function samplerKind(name: string): 'functional' | 'class' {
  if (FUNCTIONAL_SAMPLERS.some((s) => s.name === name)) return 'functional';
  if (listSamplers().includes(name)) return 'class';
  const valid = [...FUNCTIONAL_SAMPLERS.map((s) => s.name), ...listSamplers()].join(', ');
  throw new DiffmacError('UNKNOWN_SAMPLER', `Unknown sampler ${JSON.stringify(name)}; expected one of ${valid}`, { argument: 'sampler', expected: valid, received: JSON.stringify(name) });
}

/**
 * The training schedule ᾱ and the Euler (VE) sigmas for `steps` inference steps, ending in 0, from
 * a diffusers scheduler config (any class; its betas and spacing are used).
 *
 * @example
 * const { sigmas, alphasCumprod } = eulerSigmas(bundle.schedulerConfig, 20);
 */
export function eulerSigmas(config: SchedulerConfig, steps: number): { sigmas: Float32Array; alphasCumprod: Float32Array } {
  if (!Number.isInteger(steps) || steps < 1) {
    throw new DiffmacError('INVALID_ARGUMENT', `Expected a positive integer for steps, received ${String(steps)}`, { argument: 'steps', expected: 'a positive integer', received: String(steps) });
  }
  const s = createScheduler('EulerDiscreteScheduler', config);
  s.setTimesteps(steps);
  return { sigmas: Float32Array.from(s.sigmas!), alphasCumprod: s.alphasCumprod };
}

/**
 * diffusers' img2img cut: with `strength` s of `n` steps, keep the last `min(floor(n·s), n)` steps.
 * Returns the index of the first kept step (n when nothing is kept).
 *
 * @example
 * img2imgStart(20, 0.5); // 10
 */
export function img2imgStart(steps: number, strength: number): number {
  if (!(strength >= 0 && strength <= 1)) {
    throw new DiffmacError('INVALID_ARGUMENT', `Expected a number in [0, 1] for strength, received ${String(strength)}`, { argument: 'strength', expected: 'a number in [0, 1]', received: String(strength) });
  }
  const init = Math.min(Math.floor(steps * strength), steps);
  return steps - init;
}

/**
 * VE sigma of training timestep `t` (integer or fractional, interpolated): `sqrt((1 − ᾱ_t)/ᾱ_t)`.
 *
 * @example
 * sigmaOfTimestep(alphasCumprod, 400);
 */
export function sigmaOfTimestep(alphasCumprod: ArrayLike<number>, t: number): number {
  const lo = Math.max(0, Math.min(alphasCumprod.length - 1, Math.floor(t)));
  const hi = Math.min(alphasCumprod.length - 1, lo + 1);
  const f = t - lo;
  const ab = alphasCumprod[lo]! * (1 - f) + alphasCumprod[hi]! * f;
  return Math.sqrt((1 - ab) / ab);
}
