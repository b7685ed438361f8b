/**
 * LMSDiscreteScheduler (linear multistep on k-diffusion sigmas), step for step as diffusers: order
 * `min(i+1, 4)`, coefficients integrated exactly over the Lagrange basis, derivatives newest first.
 */
import { configString } from '../config';
import { lmsCoefficients, lmsStep } from '../maths/k-diffusion';
import { sigmaPredict } from '../maths/prediction';
import type { ResolvedConfig, StepOptions, StepResult } from '../types';
import { throwIfNotFinite } from '../validate';
import { SigmaSchedulerBase } from './sigma-base';

/** LMS options of `step` (diffusers' `order`, default 4). */
export interface LmsStepOptions extends StepOptions {
  order?: number;
}

/**
 * Linear multistep sampler.
 *
 * @example
 * const s = createScheduler('LMSDiscreteScheduler', sdConfig);
 * s.setTimesteps(25);
 * for (const t of s.timesteps) x = s.step(unet(s.scaleModelInput(x, t), t), t, x).prevSample;
 */
export class LMSDiscreteScheduler extends SigmaSchedulerBase {
  readonly order = 1;
  private derivatives: Float32Array[] = [];
  /** The coefficients of the last step (diffusers' `lms_coeffs`), paired with derivatives newest first. */
  lastCoefficients: Float64Array = new Float64Array(0);

  constructor(config: ResolvedConfig) {
    super('LMSDiscreteScheduler', config);
  }

  setTimesteps(numInferenceSteps: number): void {
    const { timesteps, sigmas } = this.sigmaSchedule(numInferenceSteps);
    const all = new Float32Array(sigmas.length + 1);
    all.set(sigmas);
    this.sigmas = all;
    this.timesteps = timesteps.map(Math.fround);
    this.initNoiseSigma = this.computeInitNoiseSigma();
    this.numInferenceSteps = numInferenceSteps;
    this.stepIndex = undefined;
    this.derivatives = [];
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array, options: LmsStepOptions = {}): StepResult {
    this.checkStepShapes(modelOutput, t, sample);
    const maxOrder = options.order ?? 4;
    const i = this.currentIndex(t);
    const sigmas = this.sigmas as Float32Array;
    const sigma = sigmas[i] as number;
    const n = sample.length;
    const x0 = this.outputBuffer('x0', n, options, [sample, modelOutput]);
    throwIfNotFinite(sigmaPredict(configString(this.config, 'prediction_type'), modelOutput, sample, sigma, x0), { sample, modelOutput });
    // reuse the buffer of the derivative that falls out of the window
    const recycled = this.derivatives.length >= maxOrder ? this.derivatives.shift() : undefined;
    const d = recycled && recycled.length === n ? recycled : new Float32Array(n);
    for (let k = 0; k < n; k++) d[k] = ((sample[k] as number) - (x0[k] as number)) / sigma;
    this.derivatives.push(d);
    while (this.derivatives.length > maxOrder) this.derivatives.shift();
    const order = Math.min(i + 1, maxOrder);
    const coeffs = lmsCoefficients(sigmas, i, order);
    this.lastCoefficients = coeffs;
    const prev = this.outputBuffer('prev', n, options, [sample, modelOutput]);
    lmsStep(sample, coeffs, this.derivatives.slice().reverse(), prev);
    this.stepIndex = i + 1;
    return { prevSample: prev, predOriginalSample: x0 };
  }
}
