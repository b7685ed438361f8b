/**
 * Pure kernels: converting a model output to x0 (and eps) for VP schedules (DDPM, DDIM, PNDM, LCM,
 * TCD) and for k-diffusion sigmas (Euler family). Plain functions over typed arrays with `out`
 * arguments, so the functional layer can call them without allocating.
 */
import { SchedulerError } from '../errors';

/** What the denoiser predicts. */
export type PredictionType = 'epsilon' | 'v_prediction' | 'sample';

function unknownPrediction(value: string, valid: string): SchedulerError {
  return new SchedulerError('INVALID_CONFIG', `Expected one of ${valid} for config.prediction_type, received "${value}"`, { argument: 'config.prediction_type', expected: valid, received: value });
}

/**
 * VP parameterisation at `ᾱ_t = alphaProd`: fill `x0Out` with the predicted original sample and
 * `epsOut` (when given) with the predicted noise.
 * - epsilon: `x0 = (x - sqrt(1-ᾱ)·ε)/sqrt(ᾱ)`
 * - sample: `x0 = out`, `ε = (x - sqrt(ᾱ)·x0)/sqrt(1-ᾱ)`
 * - v: `x0 = sqrt(ᾱ)·x - sqrt(1-ᾱ)·v`, `ε = sqrt(ᾱ)·v + sqrt(1-ᾱ)·x`
 *
 * @example
 * vpPredict('epsilon', eps, x, alphasCumprod[t], x0, null);
 */
export function vpPredict(predictionType: string, modelOutput: Float32Array, sample: Float32Array, alphaProd: number, x0Out: Float32Array, epsOut: Float32Array | null): void {
  const sa = Math.fround(Math.sqrt(alphaProd));
  const sb = Math.fround(Math.sqrt(Math.fround(1 - alphaProd)));
  const n = sample.length;
  switch (predictionType) {
    case 'epsilon':
      for (let i = 0; i < n; i++) {
        const e = modelOutput[i] as number;
        x0Out[i] = ((sample[i] as number) - sb * e) / sa;
        if (epsOut) epsOut[i] = e;
      }
      return;
    case 'sample':
      for (let i = 0; i < n; i++) {
        const x0 = modelOutput[i] as number;
        x0Out[i] = x0;
        if (epsOut) epsOut[i] = ((sample[i] as number) - sa * x0) / sb;
      }
      return;
    case 'v_prediction':
      for (let i = 0; i < n; i++) {
        const v = modelOutput[i] as number;
        const x = sample[i] as number;
        x0Out[i] = sa * x - sb * v;
        if (epsOut) epsOut[i] = sa * v + sb * x;
      }
      return;
    default:
      throw unknownPrediction(predictionType, 'epsilon, sample, v_prediction');
  }
}

/**
 * One fused VP pass: x0 from the model output (clamped to ±`clipRange` when finite), then
 * `out = cX0·x0 + cEps·ε + cX·x` (ε is the unclipped noise estimate, as diffusers computes it).
 * Writes x0 to `x0Out` when given. Returns a finiteness probe of the inputs: 0, or NaN when
 * `modelOutput` or `sample` holds NaN/Inf.
 *
 * @example
 * const probe = vpCombine('epsilon', eps, x, alphaProd, Infinity, sqrt(aPrev), sqrt(1 - aPrev), 0, x0, prev); // DDIM, eta = 0
 */
export function vpCombine(
  predictionType: string,
  modelOutput: Float32Array,
  sample: Float32Array,
  alphaProd: number,
  clipRange: number,
  cX0: number,
  cEps: number,
  cX: number,
  x0Out: Float32Array | null,
  out: Float32Array,
): number {
  const sa = Math.fround(Math.sqrt(alphaProd));
  const sb = Math.fround(Math.sqrt(Math.fround(1 - alphaProd)));
  const n = sample.length;
  const lo = -clipRange;
  let probe = 0;
  if (predictionType !== 'epsilon' && predictionType !== 'sample' && predictionType !== 'v_prediction') throw unknownPrediction(predictionType, 'epsilon, sample, v_prediction');
  const mode = predictionType === 'epsilon' ? 0 : predictionType === 'sample' ? 1 : 2;
  for (let i = 0; i < n; i++) {
    const m = modelOutput[i] as number;
    const x = sample[i] as number;
    probe += m - m + (x - x);
    let x0: number;
    let e: number;
    if (mode === 0) {
      x0 = (x - sb * m) / sa;
      e = m;
    } else if (mode === 1) {
      x0 = m;
      e = (x - sa * m) / sb;
    } else {
      x0 = sa * x - sb * m;
      e = sa * m + sb * x;
    }
    if (x0 > clipRange) x0 = clipRange;
    else if (x0 < lo) x0 = lo;
    if (x0Out) x0Out[i] = x0;
    out[i] = cX0 * Math.fround(x0) + cEps * Math.fround(e) + cX * x;
  }
  return probe;
}

/**
 * Recompute ε from a (clipped) x0: `ε = (x - sqrt(ᾱ)·x0)/sqrt(1-ᾱ)`.
 *
 * @example
 * epsFromX0(x, x0, alphaProd, eps);
 */
export function epsFromX0(sample: Float32Array, x0: Float32Array, alphaProd: number, out: Float32Array): void {
  const sa = Math.fround(Math.sqrt(alphaProd));
  const sb = Math.fround(Math.sqrt(Math.fround(1 - alphaProd)));
  for (let i = 0; i < sample.length; i++) out[i] = ((sample[i] as number) - sa * (x0[i] as number)) / sb;
}

/**
 * k-diffusion parameterisation at noise level `sigma`: fill `x0Out` with the predicted x0.
 * - epsilon: `x0 = x - σ·ε`
 * - v: `x0 = -σ/sqrt(σ²+1)·v + x/(σ²+1)`
 * - sample: `x0 = out`
 * Returns a finiteness probe of the inputs (0, or NaN when one holds NaN/Inf).
 *
 * @example
 * sigmaPredict('epsilon', eps, x, 14.6, x0);
 */
export function sigmaPredict(predictionType: string, modelOutput: Float32Array, sample: Float32Array, sigma: number, x0Out: Float32Array): number {
  const n = sample.length;
  let probe = 0;
  switch (predictionType) {
    case 'epsilon':
      for (let i = 0; i < n; i++) {
        const m = modelOutput[i] as number;
        const x = sample[i] as number;
        probe += m - m + (x - x);
        x0Out[i] = x - sigma * m;
      }
      return probe;
    case 'v_prediction': {
      const s2 = Math.fround(Math.fround(sigma * sigma) + 1);
      const c = Math.fround(-sigma / Math.fround(Math.sqrt(s2)));
      for (let i = 0; i < n; i++) {
        const m = modelOutput[i] as number;
        const x = sample[i] as number;
        probe += m - m + (x - x);
        x0Out[i] = m * c + x / s2;
      }
      return probe;
    }
    case 'sample':
      for (let i = 0; i < n; i++) {
        const m = modelOutput[i] as number;
        const x = sample[i] as number;
        probe += m - m + (x - x);
        x0Out[i] = m;
      }
      return probe;
    default:
      throw unknownPrediction(predictionType, 'epsilon, v_prediction, sample');
  }
}

/**
 * Clamp in place to `[-range, range]` (diffusers' `clip_sample`).
 *
 * @example
 * clampInPlace(x0, 1);
 */
export function clampInPlace(x: Float32Array, range: number): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i] as number;
    if (v > range) x[i] = range;
    else if (v < -range) x[i] = -range;
  }
}

/**
 * Dynamic thresholding (Imagen, diffusers' `_threshold_sample`) in place, per batch item of
 * `itemSize` values: `s = clamp(quantile(|x|, ratio), 1, maxValue)`, `x = clamp(x, -s, s)/s`.
 *
 * @example
 * dynamicThresholdInPlace(x0, 0.995, 1.0, x0.length);
 */
export function dynamicThresholdInPlace(x: Float32Array, ratio: number, maxValue: number, itemSize = x.length): void {
  for (let start = 0; start < x.length; start += itemSize) {
    const item = x.subarray(start, start + itemSize);
    const abs = Float64Array.from(item, Math.abs).sort();
    const pos = ratio * (abs.length - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(lo + 1, abs.length - 1);
    const q = (abs[lo] as number) + ((abs[hi] as number) - (abs[lo] as number)) * (pos - lo);
    const s = Math.min(Math.max(q, 1), maxValue);
    for (let i = 0; i < item.length; i++) item[i] = Math.min(Math.max(item[i] as number, -s), s) / s;
  }
}
