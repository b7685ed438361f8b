import { describeValue, invalidArgument, MibError } from './errors';

/** Beta schedules as diffusers names them (`beta_schedule` in `scheduler_config.json`). */
export type BetaScheduleName = 'linear' | 'scaled_linear' | 'squaredcos_cap_v2';

/** A beta schedule's config, with diffusers' defaults for Stable Diffusion 1.x/2.x. */
export interface BetaScheduleOptions {
  /** Default `'scaled_linear'`. */
  schedule?: BetaScheduleName;
  /** Default 0.00085 (ignored by `squaredcos_cap_v2`). */
  betaStart?: number;
  /** Default 0.012 (ignored by `squaredcos_cap_v2`). */
  betaEnd?: number;
  /** Default 1000. */
  numTrainTimesteps?: number;
}

/**
 * The betas of a diffusers beta schedule, computed in float64 (diffusers computes them in
 * float32; the difference is below 3e-7 relative). @diffmac/scheduler produces the same data.
 *
 * @example
 * betaSchedule({ schedule: 'scaled_linear', betaStart: 0.00085, betaEnd: 0.012, numTrainTimesteps: 1000 })[0]; // ≈ 0.00085
 */
export function betaSchedule(options: BetaScheduleOptions = {}): Float64Array {
  const { schedule = 'scaled_linear', betaStart = 0.00085, betaEnd = 0.012, numTrainTimesteps = 1000 } = options;
  if (!Number.isInteger(numTrainTimesteps) || numTrainTimesteps < 2) {
    invalidArgument('numTrainTimesteps', 'an integer ≥ 2', numTrainTimesteps);
  }
  const n = numTrainTimesteps;
  const betas = new Float64Array(n);
  if (schedule === 'squaredcos_cap_v2') {
    const alphaBar = (t: number) => Math.cos(((t + 0.008) / 1.008) * (Math.PI / 2)) ** 2;
    for (let i = 0; i < n; i++) betas[i] = Math.min(1 - alphaBar((i + 1) / n) / alphaBar(i / n), 0.999);
    return betas;
  }
  if (schedule !== 'linear' && schedule !== 'scaled_linear') {
    invalidArgument('schedule', "'linear', 'scaled_linear' or 'squaredcos_cap_v2'", schedule, 'UNKNOWN_SCHEDULE');
  }
  for (const [name, v] of [['betaStart', betaStart], ['betaEnd', betaEnd]] as const) {
    if (!(typeof v === 'number' && v > 0 && v < 1)) invalidArgument(name, 'a number in (0, 1)', v);
  }
  const a = schedule === 'linear' ? betaStart : Math.sqrt(betaStart);
  const b = schedule === 'linear' ? betaEnd : Math.sqrt(betaEnd);
  for (let i = 0; i < n; i++) {
    const s = a + ((b - a) * i) / (n - 1);
    betas[i] = schedule === 'linear' ? s : s * s;
  }
  return betas;
}

/**
 * ᾱ_t = ∏_{s≤t} (1 − β_s), accumulated in float64 (as torch does on the CPU).
 *
 * @example
 * alphasCumprodFromBetas([0.5, 0.5]); // Float64Array [0.5, 0.25]
 */
export function alphasCumprodFromBetas(betas: ArrayLike<number>): Float64Array {
  if (betas === null || typeof betas !== 'object' || typeof betas.length !== 'number' || betas.length === 0) {
    invalidArgument('betas', 'a non-empty array of numbers in [0, 1)', betas);
  }
  const out = new Float64Array(betas.length);
  let acc = 1;
  for (let i = 0; i < betas.length; i++) {
    const b = betas[i];
    if (!(typeof b === 'number' && b >= 0 && b <= 1)) {
      throw new MibError('INVALID_SCHEDULE', `Expected betas in [0, 1], received ${describeValue(b)} at index ${i}`, {
        argument: `betas[${i}]`,
        expected: 'a number in [0, 1]',
        received: describeValue(b),
      });
    }
    acc *= 1 - b;
    out[i] = acc;
  }
  return out;
}

/**
 * ᾱ of the Stable Diffusion 1.x / 2.x / 2.1 noise schedule (`scaled_linear`, β from 0.00085 to
 * 0.012, 1000 training steps), in float64.
 *
 * @example
 * const alphas = stableDiffusionAlphasCumprod();
 * alphas.length; // 1000
 * alphas[999]; // ≈ 0.00466
 */
export function stableDiffusionAlphasCumprod(): Float64Array {
  return alphasCumprodFromBetas(betaSchedule({ schedule: 'scaled_linear', betaStart: 0.00085, betaEnd: 0.012, numTrainTimesteps: 1000 }));
}
