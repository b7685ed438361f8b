/**
 * UniPCMultistepScheduler (Zhao et al. 2023), step for step as diffusers: the UniC corrector
 * rewrites the incoming sample from step 1 on (unless listed in `disable_corrector`), then the
 * UniP predictor of order `min(solver_order, N - i)` (with `lower_order_final`) steps from it;
 * bh1 / bh2, `predict_x0`, Karras sigmas with `sigma_min` / `sigma_max`, `final_sigmas_type`,
 * thresholding. `solver_p` (a second scheduler as predictor) is not supported.
 */
import { configBoolean, configNumber, configNumberOrNull, configString, requireSupported } from '../config';
import { SchedulerError } from '../errors';
import { combineInto, dataPredictionInto, noisePredictionInto, vpQuantitiesInto, type PredictionKind } from '../maths/dpm-solver-core';
import { exponentialIntegratorSchedule } from '../maths/dpm-solver-schedule';
import { dynamicThresholdInPlace } from '../maths/prediction';
import { createUniPCScratch, uniPCCoefficientsInto, uniPCOrder, type UniPCScratch, type UniPCSolverType } from '../maths/unipc';
import { checkNumInferenceSteps, type TimestepSpacing } from '../timesteps';
import type { ResolvedConfig, StepOptions, StepResult } from '../types';
import { BaseScheduler } from './base';
import { requireCommonSupport, sigmaAddNoise, zeroSnrSafeSchedule } from './dpm-solver-multistep';

/**
 * UniPC multistep predictor–corrector.
 *
 * @example
 * const s = createScheduler('UniPCMultistepScheduler', { beta_schedule: 'scaled_linear', beta_start: 0.00085, beta_end: 0.012 });
 * s.setTimesteps(20);
 * for (const t of s.timesteps) x = s.step(unet(x, t), t, x).prevSample;
 */
export class UniPCMultistepScheduler extends BaseScheduler {
  readonly order = 1;
  private readonly solverOrder: number;
  private readonly solverType: UniPCSolverType;
  private readonly predictX0: boolean;
  private readonly disableCorrector: readonly number[];
  private history: Float32Array[] = [];
  private lastSample: Float32Array | undefined;
  private thisOrder = 0;
  private lowerOrderNums = 0;
  private ring = 0;
  private corrected = 0;
  private readonly work: UniPCScratch;
  private readonly coeffs: Float64Array;
  private readonly sigmaHist: Float64Array;
  private readonly q = new Float64Array(3);

  constructor(config: ResolvedConfig) {
    super('UniPCMultistepScheduler', config, zeroSnrSafeSchedule(config));
    requireCommonSupport(this.className, config);
    requireSupported(this.className, config, 'solver_p', [null]);
    this.solverOrder = configNumber(config, 'solver_order');
    if (this.solverOrder > 3) {
      throw new SchedulerError('UNSUPPORTED_OPTION', `${this.className}: config.solver_order = ${this.solverOrder} is not implemented by @diffmac/scheduler; supported: 1, 2, 3`, {
        argument: 'config.solver_order',
        expected: '1, 2, 3',
        received: String(this.solverOrder),
      });
    }
    this.solverType = configString(config, 'solver_type') as UniPCSolverType;
    this.predictX0 = configBoolean(config, 'predict_x0');
    this.disableCorrector = (config.disable_corrector as readonly number[] | undefined) ?? [];
    this.work = createUniPCScratch(this.solverOrder);
    this.coeffs = new Float64Array(this.solverOrder + 2);
    this.sigmaHist = new Float64Array(this.solverOrder);
  }

  setTimesteps(numInferenceSteps: number): void {
    checkNumInferenceSteps(numInferenceSteps, this.numTrainTimesteps);
    const { timesteps, sigmas } = exponentialIntegratorSchedule({
      alphasCumprod: this.schedule.alphasCumprod,
      numInferenceSteps,
      spacing: configString(this.config, 'timestep_spacing') as TimestepSpacing,
      stepsOffset: configNumber(this.config, 'steps_offset'),
      useKarrasSigmas: configBoolean(this.config, 'use_karras_sigmas'),
      sigmaMin: configNumberOrNull(this.config, 'sigma_min'),
      sigmaMax: configNumberOrNull(this.config, 'sigma_max'),
      finalSigma: configString(this.config, 'final_sigmas_type') === 'zero' ? 'zero' : 'sigma_min',
    });
    this.timesteps = timesteps;
    this.sigmas = sigmas;
    this.numInferenceSteps = timesteps.length;
    this.history = [];
    this.lastSample = undefined;
    this.thisOrder = 0;
    this.lowerOrderNums = 0;
    this.stepIndex = undefined;
  }

  private convert(modelOutput: Float32Array, sample: Float32Array, sigma: number): Float32Array {
    vpQuantitiesInto(this.q, sigma);
    const alpha = this.q[0]!;
    const sigmaT = this.q[1]!;
    const prediction = configString(this.config, 'prediction_type') as PredictionKind;
    // history buffers rotate through solverOrder + 1 reused work buffers
    const out = this.workBuffer(`m${this.ring++ % (this.solverOrder + 1)}`, sample.length);
    if (!this.predictX0) return noisePredictionInto(out, modelOutput, sample, alpha, sigmaT, prediction);
    dataPredictionInto(out, modelOutput, sample, alpha, sigmaT, prediction);
    if (configBoolean(this.config, 'thresholding')) {
      dynamicThresholdInPlace(out, configNumber(this.config, 'dynamic_thresholding_ratio'), configNumber(this.config, 'sample_max_value'));
    }
    return out;
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array, options: StepOptions = {}): StepResult {
    this.checkStepInputs(modelOutput, t, sample);
    const i = this.resolveStepIndex(t);
    const sigmas = this.sigmas as Float32Array;
    const N = this.timesteps.length;
    const converted = this.convert(modelOutput, sample, sigmas[i]!);

    let x = sample;
    if (i > 0 && !this.disableCorrector.includes(i - 1) && this.lastSample !== undefined) {
      const p = this.thisOrder;
      for (let k = 0; k < p; k++) this.sigmaHist[k] = sigmas[i - 1 - k]!;
      uniPCCoefficientsInto(this.coeffs, 'corrector', p, sigmas[i]!, this.sigmaHist, this.solverType, this.predictX0, this.work);
      // arrays: lastSample, m0..m_{p-1}, modelT (the converted output at this step)
      const h = this.history;
      // two alternating buffers: the corrected sample is kept as the next step's lastSample
      x = this.workBuffer(`corrected${this.corrected++ % 2}`, sample.length);
      combineInto(x, this.coeffs, this.lastSample, h[0]!, p > 1 ? h[1] : converted, p > 2 ? h[2] : p > 1 ? converted : undefined, p > 2 ? converted : undefined);
    }

    this.history.unshift(converted);
    if (this.history.length > this.solverOrder) this.history.length = this.solverOrder;
    const order = uniPCOrder(i, N, this.lowerOrderNums, this.solverOrder, configBoolean(this.config, 'lower_order_final'));
    this.thisOrder = order;
    if (x === sample) {
      // keep a copy: the caller may reuse the sample's buffer (e.g. as the next options.out)
      x = this.workBuffer(`corrected${this.corrected++ % 2}`, sample.length);
      x.set(sample);
    }
    this.lastSample = x;
    for (let k = 0; k < order; k++) this.sigmaHist[k] = sigmas[i - k]!;
    uniPCCoefficientsInto(this.coeffs, 'predictor', order, sigmas[i + 1]!, this.sigmaHist, this.solverType, this.predictX0, this.work);
    const prev = this.outputBuffer('prev', sample.length, options, [sample, modelOutput]);
    const h = this.history;
    combineInto(prev, this.coeffs, x, h[0]!, order > 1 ? h[1] : undefined, order > 2 ? h[2] : undefined);
    if (this.lowerOrderNums < this.solverOrder) this.lowerOrderNums++;
    this.stepIndex = i + 1;
    return { prevSample: prev };
  }

  override addNoise(originalSamples: Float32Array, noise: Float32Array, t: number | ArrayLike<number>): Float32Array {
    this.requireTimesteps('addNoise');
    return sigmaAddNoise(this.timesteps, this.sigmas as Float32Array, originalSamples, noise, t);
  }
}
