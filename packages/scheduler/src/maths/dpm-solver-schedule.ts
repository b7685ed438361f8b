/**
 * The schedule of the exponential-integrator schedulers (DPM-Solver multistep and singlestep,
 * UniPC, DEIS): integer timesteps on an N+1-point grid, sigmas interpolated from the float32 sigma
 * table or Karras sigmas mapped back to rounded timesteps, and the final sigma. Built on the
 * shared timestep and sigma helpers.
 */
import { karrasSigmas, logSigmaTable, sigmaTable, sigmaToT } from '../sigmas';
import { multistepTimesteps, roundHalfEven, type TimestepSpacing } from '../timesteps';

/** How the sigma after the last timestep is chosen. */
export type FinalSigmaRule =
  /** 0 */
  | 'zero'
  /** sigma(t=0) of the table (with Karras sigmas: the last Karras sigma) */
  | 'sigma_min'
  /** DEIS: sigma(t=0), or the last Karras sigma repeated */
  | 'deis';

/** Inputs of `exponentialIntegratorSchedule`. */
export interface ExponentialIntegratorScheduleOptions {
  readonly alphasCumprod: Float32Array;
  readonly numInferenceSteps: number;
  readonly spacing: TimestepSpacing;
  readonly stepsOffset: number;
  /** diffusers' `lambda_min_clipped` (DPM-Solver only; `-Infinity` disables it). */
  readonly lambdaMinClipped?: number;
  readonly useKarrasSigmas: boolean;
  /** `config.sigma_min` / `config.sigma_max` overrides of the Karras range (UniPC). */
  readonly sigmaMin?: number | null;
  readonly sigmaMax?: number | null;
  /** Round the Karras timesteps half-to-even (true), or truncate them (DPM multistep with squaredcos_cap_v2). */
  readonly roundKarrasTimesteps?: boolean;
  readonly finalSigma: FinalSigmaRule;
}

/**
 * `searchsorted(flip(lambda_t), lambdaMin)`: how many training timesteps at the noisy end have
 * `lambda(t) < lambdaMin` (float32 lambda as diffusers computes it).
 *
 * @example
 * clippedTimestepCount(alphasCumprod, -5.1); // 0 unless the schedule reaches lambda < -5.1
 */
export function clippedTimestepCount(alphasCumprod: Float32Array, lambdaMin: number): number {
  if (!(lambdaMin > -Infinity)) return 0;
  const f = Math.fround;
  let count = 0;
  for (let i = alphasCumprod.length - 1; i >= 0; i--) {
    const a = alphasCumprod[i]!;
    const lambda = f(f(Math.log(f(Math.sqrt(a)))) - f(Math.log(f(Math.sqrt(f(1 - a))))));
    if (lambda < lambdaMin) count++;
    else break;
  }
  return count;
}

/**
 * Timesteps (integers, as float64) and float32 sigmas (N+1 values, diffusers' layout) of a
 * DPM-Solver / UniPC / DEIS schedule.
 *
 * @example
 * const { timesteps, sigmas } = exponentialIntegratorSchedule({ alphasCumprod, numInferenceSteps: 25, spacing: 'linspace', stepsOffset: 0, useKarrasSigmas: false, finalSigma: 'zero' });
 */
export function exponentialIntegratorSchedule(o: ExponentialIntegratorScheduleOptions): { timesteps: Float64Array; sigmas: Float32Array } {
  const T = o.alphasCumprod.length;
  const N = o.numInferenceSteps;
  const table = sigmaTable(o.alphasCumprod);
  const clipped = clippedTimestepCount(o.alphasCumprod, o.lambdaMinClipped ?? -Infinity);
  let timesteps = multistepTimesteps(o.spacing, T, N, o.stepsOffset, T - clipped);
  const sigmas = new Float32Array(N + 1);
  if (o.useKarrasSigmas) {
    const logSigmas = logSigmaTable(table);
    const smin = o.sigmaMin ?? table[0]!;
    const smax = o.sigmaMax ?? table[T - 1]!;
    const ks = karrasSigmas(smin, smax, N);
    timesteps = new Float64Array(N);
    for (let i = 0; i < N; i++) {
      const t = sigmaToT(ks[i]!, logSigmas);
      timesteps[i] = o.roundKarrasTimesteps === false ? Math.trunc(t) : roundHalfEven(t);
      sigmas[i] = ks[i]!;
    }
    sigmas[N] = o.finalSigma === 'zero' ? 0 : ks[N - 1]!;
  } else {
    for (let i = 0; i < timesteps.length; i++) sigmas[i] = table[timesteps[i]!]!;
    sigmas[N] = o.finalSigma === 'zero' ? 0 : table[0]!;
  }
  return { timesteps, sigmas };
}
