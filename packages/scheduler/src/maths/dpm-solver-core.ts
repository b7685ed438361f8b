/**
 * Shared pure kernels of the exponential-integrator family (DPM-Solver, UniPC, DEIS): the VP
 * quantities of a sigma, model-output conversion, dynamic thresholding and linear combinations of
 * typed arrays. Scalars follow diffusers' float32 arithmetic (`Math.fround`); element-wise sums
 * run in float64 and are rounded once when stored into the Float32Array output.
 */

const f = Math.fround;

/**
 * The VP quantities of a VE sigma, as diffusers' `_sigma_to_alpha_sigma_t` computes them in
 * float32: `alpha = 1/sqrt(sigma^2+1)`, `sigmaT = sigma*alpha`, `lambda = log(alpha) - log(sigmaT)`.
 * Writes `[alpha, sigmaT, lambda]` into `out` (no allocation).
 *
 * @example
 * const q = new Float64Array(3);
 * vpQuantitiesInto(q, 14.6146);   // q[0] = alpha, q[1] = sigma_t, q[2] = lambda
 */
export function vpQuantitiesInto(out: Float64Array, sigma: number): Float64Array {
  const s = f(sigma);
  const alpha = f(1 / f(Math.sqrt(f(f(s * s) + 1))));
  const sigmaT = f(s * alpha);
  out[0] = alpha;
  out[1] = sigmaT;
  out[2] = f(f(Math.log(alpha)) - f(Math.log(sigmaT)));
  return out;
}

/** `alpha = 1/sqrt(sigma^2+1)` in float32, as diffusers computes it.
 *
 * @example
 * vpAlpha(0); // 1
 */
export function vpAlpha(sigma: number): number {
  const s = f(sigma);
  return f(1 / f(Math.sqrt(f(f(s * s) + 1))));
}

/** `lambda = log(alpha_t) - log(sigma_t)` of a VE sigma in float32 (`+Infinity` at sigma 0).
 *
 * @example
 * vpLambda(1); // -0 (alpha = sigma_t)
 */
export function vpLambda(sigma: number): number {
  const alpha = vpAlpha(sigma);
  const sigmaT = f(f(sigma) * alpha);
  return f(f(Math.log(alpha)) - f(Math.log(sigmaT)));
}

/** What a network predicts. */
export type PredictionKind = 'epsilon' | 'v_prediction' | 'sample';

/**
 * Convert a model output to the data prediction x0 for a VP sample with `alpha`, `sigmaT`:
 * eps: `(x - sigmaT*eps)/alpha`; v: `alpha*x - sigmaT*v`; sample: the output itself.
 *
 * @example
 * dataPredictionInto(x0, modelOutput, sample, 0.068, 0.997, 'epsilon');
 */
export function dataPredictionInto(
  out: Float32Array,
  modelOutput: Float32Array,
  sample: Float32Array,
  alpha: number,
  sigmaT: number,
  prediction: PredictionKind,
): Float32Array {
  const n = out.length;
  if (prediction === 'epsilon') {
    for (let i = 0; i < n; i++) out[i] = (sample[i]! - sigmaT * modelOutput[i]!) / alpha;
  } else if (prediction === 'v_prediction') {
    for (let i = 0; i < n; i++) out[i] = alpha * sample[i]! - sigmaT * modelOutput[i]!;
  } else {
    out.set(modelOutput);
  }
  return out;
}

/**
 * Convert a model output to the noise prediction eps for a VP sample (DPM-Solver's `dpmsolver`
 * types and UniPC with `predict_x0 = false`): eps as is; v: `alpha*v + sigmaT*x`;
 * sample: `(x - alpha*x0)/sigmaT`.
 *
 * @example
 * noisePredictionInto(eps, modelOutput, sample, 0.068, 0.997, 'v_prediction');
 */
export function noisePredictionInto(
  out: Float32Array,
  modelOutput: Float32Array,
  sample: Float32Array,
  alpha: number,
  sigmaT: number,
  prediction: PredictionKind,
): Float32Array {
  const n = out.length;
  if (prediction === 'epsilon') out.set(modelOutput);
  else if (prediction === 'v_prediction') {
    for (let i = 0; i < n; i++) out[i] = alpha * modelOutput[i]! + sigmaT * sample[i]!;
  } else {
    for (let i = 0; i < n; i++) out[i] = (sample[i]! - alpha * modelOutput[i]!) / sigmaT;
  }
  return out;
}

/**
 * `out = c[0]*a0 + c[1]*a1 + ...` element-wise for up to six arrays (float64 accumulation, one
 * float32 rounding). Terms whose array is missing or whose coefficient is exactly 0 are skipped,
 * so an infinite array never poisons the result through `0 * Infinity`. `out` may alias any input.
 * No allocation.
 *
 * @example
 * combineInto(out, [0.5, 0.5], a, b);   // the mean of a and b
 */
export function combineInto(
  out: Float32Array,
  c: ArrayLike<number>,
  a0: Float32Array,
  a1?: Float32Array,
  a2?: Float32Array,
  a3?: Float32Array,
  a4?: Float32Array,
  a5?: Float32Array,
): Float32Array {
  // Compact the live terms into locals (no array allocation).
  let x0: Float32Array | undefined;
  let x1: Float32Array | undefined;
  let x2: Float32Array | undefined;
  let x3: Float32Array | undefined;
  let x4: Float32Array | undefined;
  let x5: Float32Array | undefined;
  let d0 = 0;
  let d1 = 0;
  let d2 = 0;
  let d3 = 0;
  let d4 = 0;
  let d5 = 0;
  let m = 0;
  for (let k = 0; k < 6; k++) {
    const a = k === 0 ? a0 : k === 1 ? a1 : k === 2 ? a2 : k === 3 ? a3 : k === 4 ? a4 : a5;
    const ck = k < c.length ? c[k]! : 0;
    if (a === undefined || ck === 0) continue;
    if (m === 0) { x0 = a; d0 = ck; }
    else if (m === 1) { x1 = a; d1 = ck; }
    else if (m === 2) { x2 = a; d2 = ck; }
    else if (m === 3) { x3 = a; d3 = ck; }
    else if (m === 4) { x4 = a; d4 = ck; }
    else { x5 = a; d5 = ck; }
    m++;
  }
  const n = out.length;
  switch (m) {
    case 0:
      out.fill(0);
      break;
    case 1:
      for (let i = 0; i < n; i++) out[i] = d0 * x0![i]!;
      break;
    case 2:
      for (let i = 0; i < n; i++) out[i] = d0 * x0![i]! + d1 * x1![i]!;
      break;
    case 3:
      for (let i = 0; i < n; i++) out[i] = d0 * x0![i]! + d1 * x1![i]! + d2 * x2![i]!;
      break;
    case 4:
      for (let i = 0; i < n; i++) out[i] = d0 * x0![i]! + d1 * x1![i]! + d2 * x2![i]! + d3 * x3![i]!;
      break;
    case 5:
      for (let i = 0; i < n; i++) out[i] = d0 * x0![i]! + d1 * x1![i]! + d2 * x2![i]! + d3 * x3![i]! + d4 * x4![i]!;
      break;
    default:
      for (let i = 0; i < n; i++) {
        out[i] = d0 * x0![i]! + d1 * x1![i]! + d2 * x2![i]! + d3 * x3![i]! + d4 * x4![i]! + d5 * x5![i]!;
      }
  }
  return out;
}

/**
 * Re-express VP update coefficients in VE (k-diffusion) space, in place. A VP update
 * `x_t = cX*x_s + sum c_k*D_k + cN*noise` with `x = alpha*x_ve` becomes
 * `x_ve_t = cX*(alpha_s/alpha_t)*x_ve_s + sum (c_k/alpha_t)*D_k + (cN/alpha_t)*noise`,
 * where the data predictions D_k are the same in both spaces. `c[0]` is the sample's coefficient.
 *
 * @example
 * vpToVeCoefficientsInPlace(c, 3, sigmaS, sigmaT);
 */
export function vpToVeCoefficientsInPlace(c: Float64Array, count: number, sigmaFrom: number, sigmaTo: number): Float64Array {
  const alphaS = 1 / Math.sqrt(sigmaFrom * sigmaFrom + 1);
  const alphaT = 1 / Math.sqrt(sigmaTo * sigmaTo + 1);
  c[0] = c[0]! * (alphaS / alphaT);
  for (let k = 1; k < count; k++) c[k] = c[k]! / alphaT;
  return c;
}
