/**
 * Wrappers turning eps-, v- and x0-predicting networks (diffusers' convention: VP-scaled input,
 * discrete timestep) into k-diffusion denoisers. Each wrapper allocates its two work buffers on the
 * first call and reuses them afterwards (no allocation per step).
 */
import { SchedulerError } from '../errors';
import { scaleBySigma } from '../maths/k-diffusion';
import { sigmaPredict, type PredictionType } from '../maths/prediction';
import { logSigmaTable, sigmaTable, sigmaToT } from '../sigmas';
import type { DiffusionModel, Denoiser } from './types';

/** Options of `modelDenoiser`. */
export interface ModelDenoiserOptions {
  /** What the network predicts. */
  readonly prediction: PredictionType;
  /** The training schedule's `alphas_cumprod` (float32), used to map sigma to the timestep the network expects. */
  readonly alphasCumprod: Float32Array;
  /**
   * How sigma becomes a timestep: `'interpolate'` (diffusers' `_sigma_to_t`, fractional; default) or
   * `'nearest'` (k-diffusion's `quantize=True`: the nearest training timestep).
   */
  readonly timestep?: 'interpolate' | 'nearest';
}

/**
 * Turn a network into a denoiser: `D(x, σ) = x0(model(x/sqrt(σ²+1), t(σ)))` with the x0 conversion of
 * the prediction type (eps: `x - σ·ε`; v: `-σ/sqrt(σ²+1)·v + x/(σ²+1)`; sample: the output).
 *
 * @example
 * const denoiser = modelDenoiser((input, t, out) => unet(input, t, out), { prediction: 'epsilon', alphasCumprod: s.alphasCumprod });
 * const x0 = await sample(denoiser, x, sigmas, { sampler: 'dpmpp_2m' });
 */
export function modelDenoiser(model: DiffusionModel, options: ModelDenoiserOptions): Denoiser {
  const prediction = options.prediction;
  if (prediction !== 'epsilon' && prediction !== 'v_prediction' && prediction !== 'sample') {
    throw new SchedulerError('INVALID_ARGUMENT', `Expected one of epsilon, v_prediction, sample for options.prediction, received ${JSON.stringify(prediction)}`, {
      argument: 'options.prediction',
      expected: 'epsilon, v_prediction, sample',
      received: JSON.stringify(prediction),
    });
  }
  if (!(options.alphasCumprod instanceof Float32Array) || options.alphasCumprod.length < 2) {
    throw new SchedulerError('INVALID_ARGUMENT', 'Expected a Float32Array of at least 2 values for options.alphasCumprod', {
      argument: 'options.alphasCumprod',
      expected: 'a Float32Array of at least 2 values',
      received: String(options.alphasCumprod),
    });
  }
  const mode = options.timestep ?? 'interpolate';
  const table = sigmaTable(options.alphasCumprod);
  const logSigmas = logSigmaTable(table);
  const toT = (sigma: number): number => {
    if (mode === 'interpolate') return sigmaToT(sigma, logSigmas);
    const ls = Math.log(sigma);
    let best = 0;
    for (let i = 1; i < logSigmas.length; i++) if (Math.abs(ls - logSigmas[i]!) < Math.abs(ls - logSigmas[best]!)) best = i;
    return best;
  };
  let input = new Float32Array(0);
  let output = new Float32Array(0);
  return async (x, sigma, out) => {
    if (input.length !== x.length) {
      input = new Float32Array(x.length);
      output = new Float32Array(x.length);
    }
    scaleBySigma(x, sigma, input);
    const returned = await model(input, toT(sigma), output);
    const pred = returned instanceof Float32Array ? returned : output;
    if (pred.length !== x.length) {
      throw new SchedulerError('LENGTH_MISMATCH', `Expected the model to return ${x.length} values, received ${pred.length}`, { argument: 'model output', expected: `${x.length} values`, received: `${pred.length} values` });
    }
    sigmaPredict(prediction, pred, x, sigma, out);
  };
}

/**
 * Denoiser of an eps-predicting network (`modelDenoiser` with `prediction: 'epsilon'`).
 *
 * @example
 * const denoiser = epsilonDenoiser(unet, scheduler.alphasCumprod);
 */
export function epsilonDenoiser(model: DiffusionModel, alphasCumprod: Float32Array, timestep: 'interpolate' | 'nearest' = 'interpolate'): Denoiser {
  return modelDenoiser(model, { prediction: 'epsilon', alphasCumprod, timestep });
}

/**
 * Denoiser of a v-predicting network (`modelDenoiser` with `prediction: 'v_prediction'`).
 *
 * @example
 * const denoiser = vPredictionDenoiser(unet, scheduler.alphasCumprod);
 */
export function vPredictionDenoiser(model: DiffusionModel, alphasCumprod: Float32Array, timestep: 'interpolate' | 'nearest' = 'interpolate'): Denoiser {
  return modelDenoiser(model, { prediction: 'v_prediction', alphasCumprod, timestep });
}

/**
 * Denoiser of an x0-predicting network (`modelDenoiser` with `prediction: 'sample'`).
 *
 * @example
 * const denoiser = sampleDenoiser(unet, scheduler.alphasCumprod);
 */
export function sampleDenoiser(model: DiffusionModel, alphasCumprod: Float32Array, timestep: 'interpolate' | 'nearest' = 'interpolate'): Denoiser {
  return modelDenoiser(model, { prediction: 'sample', alphasCumprod, timestep });
}
