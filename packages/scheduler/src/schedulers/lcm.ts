/**
 * LCMScheduler (latent consistency models), step for step as diffusers: timesteps taken from the
 * original 50-step grid, consistency boundary scalings `c_skip`, `c_out`, fresh noise on every step
 * but the last.
 */
import { configBoolean, configNumber } from '../config';
import { SchedulerError } from '../errors';
import { checkNumInferenceSteps } from '../timesteps';
import type { ResolvedConfig, StepOptions, StepResult } from '../types';
import { missingRng, throwIfNotFinite } from '../validate';
import { BaseScheduler } from './base';
import { vpStep } from './ddim';

/**
 * LCM / TCD timesteps: from the original grid `[k-1, 2k-1, ..., T-1]` (k = T // originalSteps),
 * reversed, take the entries at `floor(linspace(0, originalSteps, N, endpoint=False))`.
 *
 * @example
 * consistencyTimesteps(1000, 50, 4); // [999, 759, 499, 259]
 */
export function consistencyTimesteps(T: number, originalSteps: number, N: number, className = 'LCMScheduler'): Float64Array {
  checkNumInferenceSteps(N, T);
  const k = Math.floor(T / originalSteps);
  const origin: number[] = [];
  for (let i = originalSteps; i >= 1; i--) origin.push(i * k - 1);
  if (N > originalSteps || Math.floor(origin.length / N) < 1) {
    throw new SchedulerError('INVALID_ARGUMENT', `${className}: expected at most ${originalSteps} (original_inference_steps) for numInferenceSteps, received ${N}`, {
      argument: 'numInferenceSteps',
      expected: `an integer in [1, ${originalSteps}]`,
      received: String(N),
    });
  }
  const out = new Float64Array(N);
  const step = origin.length / N; // np.linspace(0, L, N, endpoint=False) = arange(N)·(L/N)
  for (let i = 0; i < N; i++) out[i] = origin[Math.floor(i * step)] as number;
  return out;
}

/**
 * Consistency-model boundary scalings at timestep t (float32): `c_skip = σd²/((s·t)²+σd²)`, `c_out = s·t/sqrt((s·t)²+σd²)`, σd = 0.5.
 *
 * @example
 * const { cSkip, cOut } = consistencyScalings(999, 10);
 */
export function consistencyScalings(t: number, timestepScaling: number): { cSkip: number; cOut: number } {
  const f = Math.fround;
  const st = f(t * timestepScaling);
  const d = f(f(st * st) + 0.25);
  return { cSkip: f(0.25 / d), cOut: f(st / f(Math.sqrt(d))) };
}

/**
 * Latent consistency model multistep sampling.
 *
 * @example
 * const s = createScheduler('LCMScheduler', {});
 * s.setTimesteps(4); // [999, 759, 499, 259]
 * x = s.step(eps, 999, x, { rng: createRng(0) }).prevSample;
 */
export class LCMScheduler extends BaseScheduler {
  readonly order = 1;
  private readonly finalAlphaCumprod: number;

  constructor(config: ResolvedConfig) {
    super('LCMScheduler', config);
    this.finalAlphaCumprod = configBoolean(config, 'set_alpha_to_one') ? 1 : (this.schedule.alphasCumprod[0] as number);
  }

  override get stochastic(): boolean {
    return true;
  }

  setTimesteps(numInferenceSteps: number): void {
    this.timesteps = consistencyTimesteps(this.numTrainTimesteps, configNumber(this.config, 'original_inference_steps'), numInferenceSteps, this.className);
    this.numInferenceSteps = numInferenceSteps;
    this.stepIndex = undefined;
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array, options: StepOptions = {}): StepResult {
    this.checkStepShapes(modelOutput, t, sample);
    const i = this.resolveStepIndex(t);
    const last = i === (this.numInferenceSteps as number) - 1;
    const prevT = i + 1 < this.timesteps.length ? (this.timesteps[i + 1] as number) : t;
    const alphaProd = this.alphaProdAt(t);
    const alphaPrev = prevT >= 0 ? this.alphaProdAt(prevT, 'prev_timestep') : this.finalAlphaCumprod;
    const { cSkip, cOut } = consistencyScalings(t, configNumber(this.config, 'timestep_scaling'));
    const n = sample.length;
    const denoised = this.outputBuffer('denoised', n, options, [sample, modelOutput]);
    throwIfNotFinite(vpStep(this.config, modelOutput, sample, alphaProd, cOut, 0, cSkip, this.workBuffer('x0', n), denoised, this.workBuffer('eps', n)), { sample, modelOutput });
    let prev = denoised;
    if (!last) {
      if (!options.rng) throw missingRng(this.className);
      const noise = this.workBuffer('noise', n);
      options.rng.normal(noise);
      const a = Math.fround(Math.sqrt(alphaPrev));
      const b = Math.fround(Math.sqrt(Math.fround(1 - alphaPrev)));
      prev = this.outputBuffer('prev', n, options, [sample, modelOutput]);
      for (let k = 0; k < n; k++) prev[k] = a * (denoised[k] as number) + b * (noise[k] as number);
    }
    if (last && options.out) {
      prev = this.outputBuffer('prev', n, options, [sample, modelOutput]);
      prev.set(denoised);
    }
    this.stepIndex = i + 1;
    return { prevSample: prev, denoised };
  }
}
