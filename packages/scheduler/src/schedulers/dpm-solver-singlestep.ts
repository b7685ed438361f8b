/**
 * DPMSolverSinglestepScheduler, step for step as diffusers: a fixed order list (`[1,2,1,2,...]`
 * for order 2), each order-1 step storing its input as the anchor from which the following
 * higher-order steps jump; `set_timesteps` forces `lower_order_final = true` when the final sigma is
 * zero or the step count is not a multiple of the order (and rewrites the config, as diffusers does).
 * The timesteps are always linspace.
 */
import { configBoolean, configNumber, configString, withConfig } from '../config';
import { SchedulerError } from '../errors';
import { combineInto, dataPredictionInto, noisePredictionInto, vpQuantitiesInto, type PredictionKind } from '../maths/dpm-solver-core';
import { dpmSolverSinglestepCoefficientsInto, dpmSolverSinglestepOrders, isDataPredictionAlgorithm, isSdeAlgorithm, type DpmAlgorithm, type DpmSolverType } from '../maths/dpm-solver';
import { exponentialIntegratorSchedule } from '../maths/dpm-solver-schedule';
import { dynamicThresholdInPlace } from '../maths/prediction';
import { checkNumInferenceSteps } from '../timesteps';
import type { ResolvedConfig, StepOptions, StepResult } from '../types';
import { missingRng } from '../validate';
import { BaseScheduler } from './base';
import { requireCommonSupport, sigmaAddNoise } from './dpm-solver-multistep';

/**
 * Singlestep DPM-Solver(++).
 *
 * @example
 * const s = createScheduler('DPMSolverSinglestepScheduler', { beta_schedule: 'scaled_linear', beta_start: 0.00085, beta_end: 0.012 });
 * s.setTimesteps(20);
 * for (const t of s.timesteps) x = s.step(unet(x, t), t, x).prevSample;
 */
export class DPMSolverSinglestepScheduler extends BaseScheduler {
  readonly order = 1;
  private readonly algorithm: DpmAlgorithm;
  private readonly solverType: DpmSolverType;
  private readonly solverOrder: number;
  private history: Float32Array[] = [];
  private anchor: Float32Array | undefined;
  private orderList: number[] = [];
  private ring = 0;
  private anchorFlip = 0;
  private readonly coeffs = new Float64Array(5);
  private readonly work = new Float64Array(12);

  constructor(config: ResolvedConfig) {
    super('DPMSolverSinglestepScheduler', config);
    requireCommonSupport(this.className, config);
    this.algorithm = configString(config, 'algorithm_type') as DpmAlgorithm;
    this.solverType = configString(config, 'solver_type') as DpmSolverType;
    this.solverOrder = configNumber(config, 'solver_order');
    if (this.solverOrder > 3) {
      throw new SchedulerError('INVALID_CONFIG', `${this.className}: expected 1, 2 or 3 for config.solver_order, received ${this.solverOrder}`, { argument: 'config.solver_order', expected: '1, 2 or 3', received: String(this.solverOrder) });
    }
    if (isSdeAlgorithm(this.algorithm) && this.solverOrder === 3) {
      throw new SchedulerError('UNSUPPORTED_OPTION', `${this.className}: diffusers defines no third-order singlestep update for config.algorithm_type = "${this.algorithm}"`, { argument: 'config.solver_order', expected: '1 or 2', received: '3' });
    }
    if (!isDataPredictionAlgorithm(this.algorithm) && configString(config, 'final_sigmas_type') === 'zero') {
      throw new SchedulerError('INVALID_CONFIG', `${this.className}: config.final_sigmas_type = "zero" is not supported with config.algorithm_type = "${this.algorithm}"; choose "sigma_min"`, {
        argument: 'config.final_sigmas_type',
        expected: 'sigma_min',
        received: 'zero',
      });
    }
  }

  override get stochastic(): boolean {
    return isSdeAlgorithm(this.algorithm);
  }

  setTimesteps(numInferenceSteps: number): void {
    checkNumInferenceSteps(numInferenceSteps, this.numTrainTimesteps);
    const finalZero = configString(this.config, 'final_sigmas_type') === 'zero';
    const { timesteps, sigmas } = exponentialIntegratorSchedule({
      alphasCumprod: this.schedule.alphasCumprod,
      numInferenceSteps,
      spacing: 'linspace',
      stepsOffset: 0,
      lambdaMinClipped: configNumber(this.config, 'lambda_min_clipped'),
      useKarrasSigmas: configBoolean(this.config, 'use_karras_sigmas'),
      finalSigma: finalZero ? 'zero' : 'sigma_min',
    });
    this.timesteps = timesteps;
    this.sigmas = sigmas;
    this.numInferenceSteps = timesteps.length;
    if (!configBoolean(this.config, 'lower_order_final') && (numInferenceSteps % this.solverOrder !== 0 || finalZero)) {
      // diffusers rewrites its own config here (register_to_config).
      (this as { config: ResolvedConfig }).config = withConfig(this.config, { lower_order_final: true });
    }
    this.orderList = dpmSolverSinglestepOrders(numInferenceSteps, this.solverOrder, configBoolean(this.config, 'lower_order_final'), finalZero);
    this.history = [];
    this.anchor = undefined;
    this.stepIndex = undefined;
  }

  private convert(modelOutput: Float32Array, sample: Float32Array, sigma: number): Float32Array {
    vpQuantitiesInto(this.work, sigma);
    const alpha = this.work[0]!;
    const sigmaT = this.work[1]!;
    const prediction = configString(this.config, 'prediction_type') as PredictionKind;
    // history buffers rotate through solverOrder + 1 reused work buffers
    const out = this.workBuffer(`m${this.ring++ % (this.solverOrder + 1)}`, sample.length);
    const thresholding = configBoolean(this.config, 'thresholding');
    const ratio = configNumber(this.config, 'dynamic_thresholding_ratio');
    const maxValue = configNumber(this.config, 'sample_max_value');
    if (isDataPredictionAlgorithm(this.algorithm)) {
      dataPredictionInto(out, modelOutput, sample, alpha, sigmaT, prediction);
      if (thresholding) dynamicThresholdInPlace(out, ratio, maxValue);
      return out;
    }
    noisePredictionInto(out, modelOutput, sample, alpha, sigmaT, prediction);
    if (thresholding) {
      const x0 = this.workBuffer('x0', out.length);
      for (let k = 0; k < x0.length; k++) x0[k] = (sample[k]! - sigmaT * out[k]!) / alpha;
      dynamicThresholdInPlace(x0, ratio, maxValue);
      for (let k = 0; k < x0.length; k++) out[k] = (sample[k]! - alpha * x0[k]!) / sigmaT;
    }
    return out;
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array, options: StepOptions = {}): StepResult {
    this.checkStepInputs(modelOutput, t, sample);
    const i = this.resolveStepIndex(t);
    const sigmas = this.sigmas as Float32Array;
    this.history.unshift(this.convert(modelOutput, sample, sigmas[i]!));
    if (this.history.length > this.solverOrder) this.history.length = this.solverOrder;

    let noise: Float32Array | undefined;
    if (isSdeAlgorithm(this.algorithm)) {
      if (!options.rng) throw missingRng(this.className);
      noise = this.workBuffer('noise', sample.length);
      options.rng.normal(noise);
    }
    let order = this.orderList[i] ?? 1;
    // img2img can start mid-pattern: fall back while the history is too short.
    while (order > this.history.length) order--;
    if (order === 1) {
      // keep a copy: the caller may reuse the sample's buffer (e.g. as the next options.out)
      const anchor = this.workBuffer(`anchor${this.anchorFlip++ % 2}`, sample.length);
      anchor.set(sample);
      this.anchor = anchor;
    }
    dpmSolverSinglestepCoefficientsInto(this.coeffs, order as 1 | 2 | 3, this.algorithm, this.solverType, sigmas[i + 1]!, sigmas[i]!, sigmas[i - 1] ?? 0, sigmas[i - 2] ?? 0, this.work);
    const prev = this.outputBuffer('prev', sample.length, options, [sample, modelOutput]);
    const h = this.history;
    combineInto(prev, this.coeffs, this.anchor as Float32Array, h[0]!, order > 1 ? h[1] : undefined, order > 2 ? h[2] : undefined, noise);
    this.stepIndex = i + 1;
    return { prevSample: prev };
  }

  override addNoise(originalSamples: Float32Array, noise: Float32Array, t: number | ArrayLike<number>): Float32Array {
    this.requireTimesteps('addNoise');
    return sigmaAddNoise(this.timesteps, this.sigmas as Float32Array, originalSamples, noise, t);
  }
}
