/**
 * Sigma arrays for the functional samplers from a class scheduler's `sigmas`.
 */
import { SchedulerError } from '../errors';

/**
 * The k-diffusion sigma array (one entry per step plus the final sigma) of a diffusers sigma layout:
 * consecutive duplicates are dropped, which turns Heun's `[s0, s1, s1, ..., 0]` and KDPM2's
 * `[s0, s1, s1, ..., 0, 0, 0]` into `[s0, s1, ..., 0]` and leaves every other layout as it is.
 *
 * @example
 * const heun = createScheduler('HeunDiscreteScheduler', cfg);
 * heun.setTimesteps(10);
 * await sample(denoiser, x, functionalSigmas(heun.sigmas!), { sampler: 'heun' });
 */
export function functionalSigmas(sigmas: ArrayLike<number> | undefined): Float64Array {
  if (sigmas === undefined || sigmas === null || typeof sigmas.length !== 'number') {
    throw new SchedulerError('INVALID_ARGUMENT', 'Expected the sigmas of a scheduler (call setTimesteps first; DDPM, DDIM, PNDM, LCM and TCD have none)', {
      argument: 'sigmas',
      expected: 'an array of sigmas',
      received: String(sigmas),
    });
  }
  const out: number[] = [];
  for (let i = 0; i < sigmas.length; i++) {
    const v = sigmas[i]!;
    if (i === 0 || v !== sigmas[i - 1]) out.push(v);
  }
  return Float64Array.from(out);
}
