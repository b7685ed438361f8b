/**
 * DDIMScheduler (Song et al. 2020), step for step as diffusers: `prev_t = t - T//N`, clipping or
 * dynamic thresholding of x0, `eta`-controlled noise drawn from the injected rng.
 */
import { configBoolean, configNumber, configString } from '../config';
import { clampInPlace, dynamicThresholdInPlace, vpCombine, vpPredict } from '../maths/prediction';
import { discreteTimesteps, type TimestepSpacing } from '../timesteps';
import type { ResolvedConfig, StepOptions, StepResult } from '../types';
import { checkNonNegative, checkTensor, finiteProbe, missingRng, throwIfNotFinite } from '../validate';
import { BaseScheduler } from './base';

/**
 * Post-process a predicted x0 in place as diffusers' VP schedulers do: dynamic thresholding when
 * `thresholding`, else clamping when `clip_sample`.
 *
 * @example
 * clipOrThreshold(config, x0);
 */
export function clipOrThreshold(config: ResolvedConfig, x0: Float32Array): void {
  if (configBoolean(config, 'thresholding')) dynamicThresholdInPlace(x0, configNumber(config, 'dynamic_thresholding_ratio'), configNumber(config, 'sample_max_value'));
  else if (configBoolean(config, 'clip_sample')) clampInPlace(x0, configNumber(config, 'clip_sample_range'));
}

/**
 * One VP step as diffusers' DDPM-family schedulers compute it: x0 from the model output, clipped
 * (`clip_sample`) or dynamically thresholded (`thresholding`), then `out = cX0·x0 + cEps·ε + cX·x`.
 * One fused pass unless thresholding (which needs the whole x0 first). `eps` is a work buffer.
 * Returns a finiteness probe of the inputs for `throwIfNotFinite`.
 *
 * @example
 * const probe = vpStep(config, eps, x, alphaProd, sqrt(aPrev), sqrt(1 - aPrev), 0, x0, prev, work);
 */
export function vpStep(
  config: ResolvedConfig,
  modelOutput: Float32Array,
  sample: Float32Array,
  alphaProd: number,
  cX0: number,
  cEps: number,
  cX: number,
  x0Out: Float32Array,
  out: Float32Array,
  eps: Float32Array,
): number {
  const prediction = configString(config, 'prediction_type');
  if (!configBoolean(config, 'thresholding')) {
    const range = configBoolean(config, 'clip_sample') ? configNumber(config, 'clip_sample_range') : Infinity;
    return vpCombine(prediction, modelOutput, sample, alphaProd, range, cX0, cEps, cX, x0Out, out);
  }
  const probe = finiteProbe(modelOutput, sample);
  vpPredict(prediction, modelOutput, sample, alphaProd, x0Out, eps);
  clipOrThreshold(config, x0Out);
  for (let i = 0; i < sample.length; i++) out[i] = cX0 * (x0Out[i] as number) + cEps * (eps[i] as number) + cX * (sample[i] as number);
  return probe;
}

/**
 * Denoising diffusion implicit models.
 *
 * @example
 * const s = createScheduler('DDIMScheduler', { beta_schedule: 'scaled_linear', beta_start: 0.00085, beta_end: 0.012, clip_sample: false, set_alpha_to_one: false, steps_offset: 1 });
 * s.setTimesteps(50);
 * x = s.step(eps, s.timesteps[0], x, { eta: 0 }).prevSample;
 */
export class DDIMScheduler extends BaseScheduler {
  readonly order = 1;
  private readonly finalAlphaCumprod: number;

  constructor(config: ResolvedConfig) {
    super('DDIMScheduler', config);
    this.finalAlphaCumprod = configBoolean(config, 'set_alpha_to_one') ? 1 : (this.schedule.alphasCumprod[0] as number);
  }

  setTimesteps(numInferenceSteps: number): void {
    const T = this.numTrainTimesteps;
    this.timesteps = discreteTimesteps(configString(this.config, 'timestep_spacing') as TimestepSpacing, T, numInferenceSteps, configNumber(this.config, 'steps_offset'));
    this.numInferenceSteps = numInferenceSteps;
    this.stepIndex = undefined;
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array, options: StepOptions = {}): StepResult {
    this.checkStepShapes(modelOutput, t, sample);
    checkNonNegative('options.eta', options.eta);
    const eta = options.eta ?? 0;
    const n = sample.length;
    const prevT = t - Math.floor(this.numTrainTimesteps / (this.numInferenceSteps as number));
    const alphaProd = this.alphaProdAt(t);
    const alphaPrev = prevT >= 0 ? this.alphaProdAt(prevT, 'prev_timestep') : this.finalAlphaCumprod;
    const f = Math.fround;
    const betaProd = f(1 - alphaProd);
    const betaPrev = f(1 - alphaPrev);
    const variance = f(f(betaPrev / betaProd) * f(1 - f(alphaProd / alphaPrev)));
    const std = f(eta * f(Math.sqrt(variance)));
    const dirCoef = f(Math.sqrt(Math.max(0, f(f(1 - alphaPrev) - f(std * std)))));
    const x0Coef = f(Math.sqrt(alphaPrev));
    const x0 = this.outputBuffer('x0', n, options, [sample, modelOutput]);
    const prev = this.outputBuffer('prev', n, options, [sample, modelOutput]);
    throwIfNotFinite(vpStep(this.config, modelOutput, sample, alphaProd, x0Coef, dirCoef, 0, x0, prev, this.workBuffer('eps', n)), { sample, modelOutput });
    if (eta > 0) {
      let noise = options.varianceNoise;
      if (noise !== undefined) checkTensor('options.varianceNoise', noise, n);
      else {
        if (!options.rng) throw missingRng(this.className);
        noise = this.workBuffer('noise', n);
        options.rng.normal(noise);
      }
      for (let i = 0; i < n; i++) prev[i] = (prev[i] as number) + std * (noise[i] as number);
    }
    this.stepIndex = this.timesteps.indexOf(t) + 1;
    return { prevSample: prev, predOriginalSample: x0 };
  }
}
