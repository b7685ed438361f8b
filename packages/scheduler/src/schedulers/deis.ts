/**
 * DEISMultistepScheduler (Zhang & Chen 2022, log-rho multistep), step for step as diffusers:
 * orders 1–3 on noise predictions recomputed from x0, the final sigma sigma(t=0) (never 0),
 * lower orders at the end only below 15 steps, Karras sigmas, thresholding.
 */
import { configBoolean, configNumber, configString } from '../config';
import { SchedulerError } from '../errors';
import { combineInto, dataPredictionInto, vpQuantitiesInto, type PredictionKind } from '../maths/dpm-solver-core';
import { exponentialIntegratorSchedule } from '../maths/dpm-solver-schedule';
import { deisCoefficientsInto, deisOrder } from '../maths/deis';
import { dynamicThresholdInPlace } from '../maths/prediction';
import { checkNumInferenceSteps, type TimestepSpacing } from '../timesteps';
import type { ResolvedConfig, StepOptions, StepResult } from '../types';
import { BaseScheduler } from './base';
import { requireCommonSupport, sigmaAddNoise } from './dpm-solver-multistep';

/**
 * DEIS multistep.
 *
 * @example
 * const s = createScheduler('DEISMultistepScheduler', { beta_schedule: 'scaled_linear', beta_start: 0.00085, beta_end: 0.012 });
 * s.setTimesteps(25);
 * for (const t of s.timesteps) x = s.step(unet(x, t), t, x).prevSample;
 */
export class DEISMultistepScheduler extends BaseScheduler {
  readonly order = 1;
  private readonly solverOrder: number;
  private history: Float32Array[] = [];
  private lowerOrderNums = 0;
  private ring = 0;
  private readonly coeffs = new Float64Array(4);
  private readonly work = new Float64Array(3);

  constructor(config: ResolvedConfig) {
    super('DEISMultistepScheduler', config);
    requireCommonSupport(this.className, config);
    this.solverOrder = configNumber(config, 'solver_order');
    if (this.solverOrder > 3) {
      throw new SchedulerError('INVALID_CONFIG', `${this.className}: expected 1, 2 or 3 for config.solver_order, received ${this.solverOrder}`, { argument: 'config.solver_order', expected: '1, 2 or 3', received: String(this.solverOrder) });
    }
  }

  setTimesteps(numInferenceSteps: number): void {
    checkNumInferenceSteps(numInferenceSteps, this.numTrainTimesteps);
    const { timesteps, sigmas } = exponentialIntegratorSchedule({
      alphasCumprod: this.schedule.alphasCumprod,
      numInferenceSteps,
      spacing: configString(this.config, 'timestep_spacing') as TimestepSpacing,
      stepsOffset: configNumber(this.config, 'steps_offset'),
      useKarrasSigmas: configBoolean(this.config, 'use_karras_sigmas'),
      finalSigma: 'deis',
    });
    this.timesteps = timesteps;
    this.sigmas = sigmas;
    this.numInferenceSteps = timesteps.length;
    this.history = [];
    this.lowerOrderNums = 0;
    this.stepIndex = undefined;
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array, options: StepOptions = {}): StepResult {
    this.checkStepInputs(modelOutput, t, sample);
    const i = this.resolveStepIndex(t);
    const sigmas = this.sigmas as Float32Array;
    const N = this.timesteps.length;
    const order = deisOrder(i, N, this.lowerOrderNums, this.solverOrder, configBoolean(this.config, 'lower_order_final'));

    vpQuantitiesInto(this.work, sigmas[i]!);
    const alpha = this.work[0]!;
    const sigmaT = this.work[1]!;
    // history buffers rotate through solverOrder + 1 reused work buffers
    const x0 = dataPredictionInto(this.workBuffer(`m${this.ring++ % (this.solverOrder + 1)}`, sample.length), modelOutput, sample, alpha, sigmaT, configString(this.config, 'prediction_type') as PredictionKind);
    if (configBoolean(this.config, 'thresholding')) {
      dynamicThresholdInPlace(x0, configNumber(this.config, 'dynamic_thresholding_ratio'), configNumber(this.config, 'sample_max_value'));
    }
    const eps = x0; // reuse the buffer: eps = (x - alpha*x0)/sigma_t
    for (let k = 0; k < eps.length; k++) eps[k] = (sample[k]! - alpha * x0[k]!) / sigmaT;
    this.history.unshift(eps);
    if (this.history.length > this.solverOrder) this.history.length = this.solverOrder;

    deisCoefficientsInto(this.coeffs, order, sigmas[i + 1]!, sigmas[i]!, sigmas[i - 1] ?? 0, sigmas[i - 2] ?? 0, this.work);
    const prev = this.outputBuffer('prev', sample.length, options, [sample, modelOutput]);
    combineInto(prev, this.coeffs, sample, this.history[0]!, order > 1 ? this.history[1] : undefined, order > 2 ? this.history[2] : undefined);
    if (this.lowerOrderNums < this.solverOrder) this.lowerOrderNums++;
    this.stepIndex = i + 1;
    return { prevSample: prev };
  }

  override addNoise(originalSamples: Float32Array, noise: Float32Array, t: number | ArrayLike<number>): Float32Array {
    this.requireTimesteps('addNoise');
    return sigmaAddNoise(this.timesteps, this.sigmas as Float32Array, originalSamples, noise, t);
  }
}
