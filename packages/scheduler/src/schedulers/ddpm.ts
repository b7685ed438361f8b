/**
 * DDPMScheduler (Ho et al. 2020), step for step as diffusers: the previous timestep is the next listed
 * one, noise is added only when `t > 0`, variance types fixed_small / fixed_small_log / fixed_large /
 * learned / learned_range.
 */
import { SchedulerError } from '../errors';
import { configNumber, configString, requireSupported } from '../config';
import { discreteTimesteps, type TimestepSpacing } from '../timesteps';
import type { ResolvedConfig, StepOptions, StepResult } from '../types';
import { missingRng, throwIfNotFinite } from '../validate';
import { BaseScheduler } from './base';
import { vpStep } from './ddim';

/**
 * Denoising diffusion probabilistic models (ancestral sampling).
 *
 * @example
 * const s = createScheduler('DDPMScheduler', { beta_schedule: 'scaled_linear', beta_start: 0.00085, beta_end: 0.012 });
 * s.setTimesteps(25);
 * x = s.step(eps, s.timesteps[0], x, { rng: createRng(0) }).prevSample;
 */
export class DDPMScheduler extends BaseScheduler {
  readonly order = 1;

  constructor(config: ResolvedConfig) {
    super('DDPMScheduler', config);
    requireSupported(this.className, config, 'variance_type', ['fixed_small', 'fixed_small_log', 'fixed_large', 'learned', 'learned_range']);
  }

  override get stochastic(): boolean {
    return true;
  }

  setTimesteps(numInferenceSteps: number): void {
    this.timesteps = discreteTimesteps(configString(this.config, 'timestep_spacing') as TimestepSpacing, this.numTrainTimesteps, numInferenceSteps, configNumber(this.config, 'steps_offset'));
    this.numInferenceSteps = numInferenceSteps;
    this.stepIndex = undefined;
  }

  /** The timestep after `t` in the schedule, or -1 after the last. */
  previousTimestep(t: number): number {
    const i = this.resolveStepIndex(t);
    return i < this.timesteps.length - 1 ? (this.timesteps[i + 1] as number) : -1;
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array, options: StepOptions = {}): StepResult {
    this.requireTimesteps('step');
    const varianceType = configString(this.config, 'variance_type');
    const learned = varianceType === 'learned' || varianceType === 'learned_range';
    let predictedVariance: Float32Array | undefined;
    let output = modelOutput;
    // learned variances: the model returns [eps, variance] stacked on the channel axis (batch of one)
    if (learned && modelOutput instanceof Float32Array && sample instanceof Float32Array && modelOutput.length === 2 * sample.length) {
      output = modelOutput.subarray(0, sample.length);
      predictedVariance = modelOutput.subarray(sample.length);
    }
    this.checkStepShapes(output, t, sample);
    const i = this.resolveStepIndex(t);
    const prevT = i < this.timesteps.length - 1 ? (this.timesteps[i + 1] as number) : -1;
    const f = Math.fround;
    const alphaProd = this.alphaProdAt(t);
    const alphaPrev = prevT >= 0 ? this.alphaProdAt(prevT, 'prev_timestep') : 1;
    const betaProd = f(1 - alphaProd);
    const betaPrev = f(1 - alphaPrev);
    const currentAlpha = f(alphaProd / alphaPrev);
    const currentBeta = f(1 - currentAlpha);
    const n = sample.length;
    const c0 = f(f(f(Math.sqrt(alphaPrev)) * currentBeta) / betaProd);
    const c1 = f(f(f(Math.sqrt(currentAlpha)) * betaPrev) / betaProd);
    const x0 = this.outputBuffer('x0', n, options, [sample, modelOutput]);
    const prev = this.outputBuffer('prev', n, options, [sample, modelOutput]);
    throwIfNotFinite(vpStep(this.config, output, sample, alphaProd, c0, 0, c1, x0, prev, this.workBuffer('eps', n)), { sample, modelOutput: output });
    if (t > 0) {
      if (!options.rng) throw missingRng(this.className);
      const noise = this.workBuffer('noise', n);
      options.rng.normal(noise);
      const variance = Math.max(f(f(betaPrev / betaProd) * currentBeta), 1e-20);
      if (varianceType === 'learned_range' || varianceType === 'learned') {
        const pv = predictedVariance;
        if (!pv) {
          throw new SchedulerError('LENGTH_MISMATCH', `variance_type "${varianceType}" needs the model's predicted variance: expected ${2 * n} values (2 × sample) for modelOutput, received ${modelOutput.length}`, {
            argument: 'modelOutput',
            expected: `${2 * n} values`,
            received: `${modelOutput.length} values`,
          });
        }
        const minLog = Math.log(variance);
        const maxLog = Math.log(currentBeta);
        for (let k = 0; k < n; k++) {
          const v = pv[k] as number;
          // learned: the model predicts the variance; learned_range: a mix of the log bounds
          const std = varianceType === 'learned' ? Math.sqrt(v) : Math.exp(0.5 * (((v + 1) / 2) * maxLog + (1 - (v + 1) / 2) * minLog));
          prev[k] = (prev[k] as number) + std * (noise[k] as number);
        }
      } else {
        let std: number;
        if (varianceType === 'fixed_small_log') std = f(Math.exp(0.5 * Math.log(variance)));
        else if (varianceType === 'fixed_large') std = f(Math.sqrt(currentBeta));
        else std = f(Math.sqrt(variance));
        for (let k = 0; k < n; k++) prev[k] = (prev[k] as number) + std * (noise[k] as number);
      }
    }
    this.stepIndex = i + 1;
    return { prevSample: prev, predOriginalSample: x0 };
  }
}
