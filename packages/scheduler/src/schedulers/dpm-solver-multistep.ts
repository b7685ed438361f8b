/**
 * DPMSolverMultistepScheduler (DPM-Solver / DPM-Solver++ multistep, Lu et al. 2022), step for step
 * as diffusers: orders 1–3, `dpmsolver++` and `sde-dpmsolver++` (plus the deprecated `dpmsolver`
 * and `sde-dpmsolver`), midpoint / heun second-order solvers, Karras sigmas, `lower_order_final`,
 * `euler_at_final`, `final_sigmas_type`, `lambda_min_clipped`, dynamic thresholding, and epsilon /
 * v / sample predictions. Noise of the SDE types comes from `options.rng`, one tensor per step.
 */
import { configBoolean, configNumber, configString, requireSupported } from '../config';
import { SchedulerError } from '../errors';
import { combineInto, dataPredictionInto, noisePredictionInto, vpQuantitiesInto, type PredictionKind } from '../maths/dpm-solver-core';
import { dpmSolverMultistepCoefficientsInto, dpmSolverMultistepOrder, isDataPredictionAlgorithm, isSdeAlgorithm, type DpmAlgorithm, type DpmSolverType } from '../maths/dpm-solver';
import { exponentialIntegratorSchedule } from '../maths/dpm-solver-schedule';
import { dynamicThresholdInPlace } from '../maths/prediction';
import { noiseScheduleForConfig, type NoiseSchedule } from '../noise-schedule';
import { checkNumInferenceSteps, type TimestepSpacing } from '../timesteps';
import type { ResolvedConfig, StepOptions, StepResult } from '../types';
import { checkTensor, missingRng, timestepIndex } from '../validate';
import { BaseScheduler, perItem } from './base';

/**
 * The float32 schedule of the sigma-based multistep schedulers: `alphas_cumprod[T-1] = 2^-24`
 * under zero terminal SNR (diffusers does this for DPM-Solver multistep and UniPC so sigma_max is finite).
 *
 * @example
 * const schedule = zeroSnrSafeSchedule(config);
 */
export function zeroSnrSafeSchedule(config: ResolvedConfig): NoiseSchedule {
  return noiseScheduleForConfig(config, { zeroSnrFloor: true });
}

/**
 * Reject the options of the sigma-based schedulers that this port does not implement.
 *
 * @example
 * requireCommonSupport('UniPCMultistepScheduler', config);
 */
export function requireCommonSupport(className: string, config: ResolvedConfig): void {
  for (const key of ['use_exponential_sigmas', 'use_beta_sigmas', 'use_flow_sigmas', 'use_dynamic_shifting', 'use_lu_lambdas']) {
    if (key in config) requireSupported(className, config, key, [false]);
  }
  requireSupported(className, config, 'prediction_type', ['epsilon', 'v_prediction', 'sample']);
  if ('variance_type' in config) requireSupported(className, config, 'variance_type', [null]);
  if ('shift_terminal' in config) requireSupported(className, config, 'shift_terminal', [null]);
}

/**
 * `addNoise` of the sigma-based schedulers: `alpha_t·x + sigma_t·noise` at the sigma of each
 * timestep of the current schedule (diffusers' `add_noise` of DPM-Solver, UniPC, DEIS).
 *
 * @example
 * const noisy = sigmaAddNoise(s.timesteps, s.sigmas, x0, noise, s.timesteps[0]);
 */
export function sigmaAddNoise(timesteps: ArrayLike<number>, sigmas: ArrayLike<number>, original: Float32Array, noise: Float32Array, t: number | ArrayLike<number>): Float32Array {
  checkTensor('originalSamples', original);
  checkTensor('noise', noise, original.length);
  const { values, itemSize } = perItem(t, original.length);
  const out = new Float32Array(original.length);
  const q = new Float64Array(3);
  values.forEach((tv, b) => {
    vpQuantitiesInto(q, sigmas[timestepIndex(timesteps, tv)]!);
    const alpha = q[0]!;
    const sigmaT = q[1]!;
    for (let i = b * itemSize; i < (b + 1) * itemSize; i++) out[i] = alpha * original[i]! + sigmaT * noise[i]!;
  });
  return out;
}

/**
 * Multistep DPM-Solver(++). `order` is 1 in diffusers' sense (one model call per step).
 *
 * @example
 * const s = createScheduler('DPMSolverMultistepScheduler', { beta_schedule: 'scaled_linear', beta_start: 0.00085, beta_end: 0.012, use_karras_sigmas: true });
 * s.setTimesteps(25);
 * for (const t of s.timesteps) x = s.step(unet(x, t), t, x).prevSample;
 */
export class DPMSolverMultistepScheduler extends BaseScheduler {
  readonly order = 1;
  private readonly algorithm: DpmAlgorithm;
  private readonly solverType: DpmSolverType;
  private readonly solverOrder: number;
  private history: Float32Array[] = [];
  private lowerOrderNums = 0;
  private ring = 0;
  private readonly coeffs = new Float64Array(5);
  private readonly work = new Float64Array(12);

  constructor(config: ResolvedConfig, className = 'DPMSolverMultistepScheduler') {
    super(className, config, zeroSnrSafeSchedule(config));
    requireCommonSupport(className, config);
    this.algorithm = configString(config, 'algorithm_type') as DpmAlgorithm;
    this.solverType = configString(config, 'solver_type') as DpmSolverType;
    this.solverOrder = configNumber(config, 'solver_order');
    if (this.solverOrder > 3) {
      throw new SchedulerError('INVALID_CONFIG', `${className}: expected 1, 2 or 3 for config.solver_order, received ${this.solverOrder}`, { argument: 'config.solver_order', expected: '1, 2 or 3', received: String(this.solverOrder) });
    }
    if (this.algorithm === 'sde-dpmsolver' && this.solverOrder === 3) {
      throw new SchedulerError('UNSUPPORTED_OPTION', `${className}: diffusers defines no third-order update for config.algorithm_type = "sde-dpmsolver"`, { argument: 'config.solver_order', expected: '1 or 2 with sde-dpmsolver', received: '3' });
    }
    if (!isDataPredictionAlgorithm(this.algorithm) && configString(config, 'final_sigmas_type') === 'zero') {
      throw new SchedulerError('INVALID_CONFIG', `${className}: config.final_sigmas_type = "zero" is not supported with config.algorithm_type = "${this.algorithm}"; choose "sigma_min"`, {
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
    const { timesteps, sigmas } = exponentialIntegratorSchedule({
      alphasCumprod: this.schedule.alphasCumprod,
      numInferenceSteps,
      spacing: configString(this.config, 'timestep_spacing') as TimestepSpacing,
      stepsOffset: configNumber(this.config, 'steps_offset'),
      lambdaMinClipped: configNumber(this.config, 'lambda_min_clipped'),
      useKarrasSigmas: configBoolean(this.config, 'use_karras_sigmas'),
      roundKarrasTimesteps: configString(this.config, 'beta_schedule') !== 'squaredcos_cap_v2',
      finalSigma: configString(this.config, 'final_sigmas_type') === 'zero' ? 'zero' : 'sigma_min',
    });
    this.timesteps = timesteps;
    this.sigmas = sigmas;
    this.numInferenceSteps = timesteps.length;
    this.history = [];
    this.lowerOrderNums = 0;
    this.stepIndex = undefined;
  }

  /** Convert a model output to what the solver integrates (x0 for the `++` types, eps otherwise). */
  private convert(modelOutput: Float32Array, sample: Float32Array, sigma: number): Float32Array {
    vpQuantitiesInto(this.work, sigma);
    const alpha = this.work[0]!;
    const sigmaT = this.work[1]!;
    const prediction = configString(this.config, 'prediction_type') as PredictionKind;
    // history buffers rotate through solverOrder + 1 reused work buffers
    const x0 = this.workBuffer(`m${this.ring++ % (this.solverOrder + 1)}`, sample.length);
    const thresholding = configBoolean(this.config, 'thresholding');
    const ratio = configNumber(this.config, 'dynamic_thresholding_ratio');
    const maxValue = configNumber(this.config, 'sample_max_value');
    if (isDataPredictionAlgorithm(this.algorithm)) {
      dataPredictionInto(x0, modelOutput, sample, alpha, sigmaT, prediction);
      if (thresholding) dynamicThresholdInPlace(x0, ratio, maxValue);
      return x0;
    }
    const eps = noisePredictionInto(x0, modelOutput, sample, alpha, sigmaT, prediction);
    if (thresholding) {
      const x0 = this.workBuffer('x0', sample.length);
      for (let i = 0; i < x0.length; i++) x0[i] = (sample[i]! - sigmaT * eps[i]!) / alpha;
      dynamicThresholdInPlace(x0, ratio, maxValue);
      for (let i = 0; i < x0.length; i++) eps[i] = (sample[i]! - alpha * x0[i]!) / sigmaT;
    }
    return eps;
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array, options: StepOptions = {}): StepResult {
    this.checkStepInputs(modelOutput, t, sample);
    const i = this.resolveStepIndex(t);
    const sigmas = this.sigmas as Float32Array;
    const N = this.timesteps.length;
    const order = dpmSolverMultistepOrder(i, N, this.lowerOrderNums, {
      solverOrder: this.solverOrder,
      lowerOrderFinal: configBoolean(this.config, 'lower_order_final'),
      eulerAtFinal: configBoolean(this.config, 'euler_at_final'),
      finalSigmaZero: configString(this.config, 'final_sigmas_type') === 'zero',
    });
    const converted = this.convert(modelOutput, sample, sigmas[i]!);
    this.history.unshift(converted);
    if (this.history.length > this.solverOrder) this.history.length = this.solverOrder;

    let noise: Float32Array | undefined;
    if (isSdeAlgorithm(this.algorithm)) {
      if (!options.rng) throw missingRng(this.className);
      noise = this.workBuffer('noise', sample.length);
      options.rng.normal(noise);
    }
    dpmSolverMultistepCoefficientsInto(this.coeffs, order, this.algorithm, this.solverType, sigmas[i + 1]!, sigmas[i]!, sigmas[i - 1] ?? 0, sigmas[i - 2] ?? 0, this.work);
    const prev = this.outputBuffer('prev', sample.length, options, [sample, modelOutput]);
    combineInto(prev, this.coeffs, sample, this.history[0]!, order > 1 ? this.history[1] : undefined, order > 2 ? this.history[2] : undefined, noise);
    if (this.lowerOrderNums < this.solverOrder) this.lowerOrderNums++;
    this.stepIndex = i + 1;
    return { prevSample: prev };
  }

  override addNoise(originalSamples: Float32Array, noise: Float32Array, t: number | ArrayLike<number>): Float32Array {
    this.requireTimesteps('addNoise');
    return sigmaAddNoise(this.timesteps, this.sigmas as Float32Array, originalSamples, noise, t);
  }
}
