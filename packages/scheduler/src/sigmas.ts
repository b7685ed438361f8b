/**
 * Sigmas (k-diffusion noise levels) from a discrete schedule: the float32 sigma table, `np.interp`,
 * Karras and exponential sigmas, sigma -> t (`_sigma_to_t`), sigma -> (alpha_t, sigma_t), and the
 * final sigma of `final_sigmas_type`.
 */
import { SchedulerError } from './errors';
import { betaQuantile } from './maths/beta-distribution';
import { numpyLinspace } from './timesteps';

const f32 = Math.fround;

/**
 * `sigma(t) = sqrt((1-ᾱ)/ᾱ)` for every training timestep, computed in float32 as diffusers does.
 * `ᾱ = 0` (zero terminal SNR) gives `Infinity`.
 *
 * @example
 * sigmaTable(alphasCumprod)[999]; // 14.614647 for SD betas
 */
export function sigmaTable(alphasCumprod: Float32Array): Float32Array {
  const out = new Float32Array(alphasCumprod.length);
  for (let i = 0; i < out.length; i++) {
    const a = alphasCumprod[i] as number;
    out[i] = Math.sqrt(f32(f32(1 - a) / a));
  }
  return out;
}

/**
 * `log(sigmaTable)` in float32 (`log_sigmas`).
 *
 * @example
 * const logSigmas = logSigmaTable(sigmaTable(alphasCumprod));
 */
export function logSigmaTable(sigmas: Float32Array): Float32Array {
  const out = new Float32Array(sigmas.length);
  for (let i = 0; i < out.length; i++) out[i] = Math.log(sigmas[i] as number);
  return out;
}

/**
 * `np.interp(x, xp, fp)`: piecewise-linear interpolation, float64, `xp` increasing; values outside
 * are clamped to the end values.
 *
 * @example
 * npInterp(0.5, [0, 1], [10, 20]); // 15
 */
export function npInterp(x: number, xp: ArrayLike<number>, fp: ArrayLike<number>): number {
  const n = xp.length;
  if (n === 0) return Number.NaN;
  if (x <= (xp[0] as number)) return fp[0] as number;
  if (x >= (xp[n - 1] as number)) return fp[n - 1] as number;
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ((xp[mid] as number) <= x) lo = mid;
    else hi = mid;
  }
  const x0 = xp[lo] as number;
  const x1 = xp[hi] as number;
  const y0 = fp[lo] as number;
  const y1 = fp[hi] as number;
  const slope = (y1 - y0) / (x1 - x0);
  return slope * (x - x0) + y0;
}

/**
 * Interpolate the sigma table (indexed by integer timestep) at fractional timesteps, in float64
 * (`np.interp(timesteps, arange(T), sigmas)`).
 *
 * @example
 * const s = interpolateSigmas(timesteps, sigmaTable(ac)); // Float64Array, one per timestep
 */
export function interpolateSigmas(timesteps: ArrayLike<number>, table: ArrayLike<number>): Float64Array {
  const out = new Float64Array(timesteps.length);
  const n = table.length;
  for (let i = 0; i < out.length; i++) {
    const t = timesteps[i] as number;
    if (t <= 0) out[i] = table[0] as number;
    else if (t >= n - 1) out[i] = table[n - 1] as number;
    else {
      const lo = Math.floor(t);
      const y0 = table[lo] as number;
      const y1 = table[lo + 1] as number;
      out[i] = (y1 - y0) * (t - lo) + y0;
    }
  }
  return out;
}

/**
 * The shared checks of the sigma-family constructors: `0 < sigmaMin <= sigmaMax`, finite, and a
 * positive integer count; a typed `INVALID_ARGUMENT` naming the argument otherwise.
 */
function checkSigmaRange(sigmaMin: number, sigmaMax: number, n: number): void {
  for (const [argument, v] of [['sigmaMin', sigmaMin], ['sigmaMax', sigmaMax]] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
      throw new SchedulerError('INVALID_ARGUMENT', `Expected a finite ${argument} > 0, received ${String(v)}`, { argument, expected: 'a finite number > 0', received: String(v) });
    }
  }
  if (sigmaMin > sigmaMax) {
    throw new SchedulerError('INVALID_ARGUMENT', `Expected sigmaMin <= sigmaMax, received ${sigmaMin} > ${sigmaMax}`, { argument: 'sigmaMin', expected: `at most sigmaMax (${sigmaMax})`, received: String(sigmaMin) });
  }
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
    throw new SchedulerError('INVALID_ARGUMENT', `Expected a positive integer count n, received ${String(n)}`, { argument: 'n', expected: 'an integer >= 1', received: String(n) });
  }
}

/**
 * Karras et al. (2022) sigmas: `(smax^(1/ρ) + ramp·(smin^(1/ρ) - smax^(1/ρ)))^ρ`, `ramp = linspace(0, 1, n)`, float64.
 *
 * @example
 * karrasSigmas(0.0292, 14.6146, 10); // descending from 14.6146 to 0.0292
 */
export function karrasSigmas(sigmaMin: number, sigmaMax: number, n: number, rho = 7): Float64Array {
  checkSigmaRange(sigmaMin, sigmaMax, n);
  if (typeof rho !== 'number' || !Number.isFinite(rho) || rho <= 0) {
    throw new SchedulerError('INVALID_ARGUMENT', `Expected a positive rho, received ${String(rho)}`, { argument: 'rho', expected: 'a finite number > 0', received: String(rho) });
  }
  const minInv = sigmaMin ** (1 / rho);
  const maxInv = sigmaMax ** (1 / rho);
  const ramp = numpyLinspace(0, 1, n);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = (maxInv + (ramp[i] as number) * (minInv - maxInv)) ** rho;
  return out;
}

/**
 * Exponential sigmas: `exp(linspace(log smax, log smin, n))`, float64.
 *
 * @example
 * exponentialSigmas(0.03, 14.6, 10);
 */
export function exponentialSigmas(sigmaMin: number, sigmaMax: number, n: number): Float64Array {
  checkSigmaRange(sigmaMin, sigmaMax, n);
  const a = Math.log(sigmaMax);
  const b = Math.log(sigmaMin);
  return numpyLinspace(a, b, n).map(Math.exp);
}

/**
 * Beta sigmas (diffusers' `_convert_to_beta`, alpha = beta = 0.6 by default):
 * `smin + ppf(1 - linspace(0, 1, n); alpha, beta)·(smax - smin)`, float64.
 *
 * @example
 * betaSigmas(0.03, 14.6, 10); // descending from 14.6 to 0.03, dense at both ends
 */
export function betaSigmas(sigmaMin: number, sigmaMax: number, n: number, alpha = 0.6, beta = 0.6): Float64Array {
  return numpyLinspace(0, 1, n).map((v) => sigmaMin + betaQuantile(1 - v, alpha, beta) * (sigmaMax - sigmaMin));
}

/**
 * diffusers' `_sigma_to_t` for a float64 sigma (Karras, exponential or beta sigmas) against the
 * float32 `logSigmas` table, with the dtypes NumPy 1.x gives it: `log(sigma)` is float64, but
 * every operation that mixes it with the float32 table runs in float32 (`dists`, `low - log_sigma`,
 * `low - high`, the weight `w`); only `(1 - w)·low + w·high` is float64 (int64 indices). So the
 * result is bit-for-bit diffusers' timestep (904.7792358398438, not 904.779296875, for Heun with
 * Karras sigmas over 9 steps), clamped to the table.
 *
 * @example
 * sigmaToT(sigmas[999], logSigmaTable(sigmas)); // 999
 */
export function sigmaToT(sigma: number, logSigmas: ArrayLike<number>): number {
  const n = logSigmas.length;
  const logSigma = f32(Math.log(Math.max(sigma, 1e-10)));
  // low = last index with logSigma >= logSigmas[i] (the table increases), 0 if none; clipped to n-2
  let low = 0;
  for (let i = 0; i < n; i++) if (logSigma >= (logSigmas[i] as number)) low = i;
  low = Math.min(low, n - 2);
  const lo = logSigmas[low] as number;
  const hi = logSigmas[low + 1] as number;
  let w = f32(f32(lo - logSigma) / f32(lo - hi));
  w = Math.min(Math.max(w, 0), 1);
  return f32(1 - w) * low + w * (low + 1);
}

/**
 * `_sigma_to_t` evaluated entirely in float32, as diffusers does when the sigma is a float32 torch
 * tensor (KDPM2's interpolated timesteps).
 *
 * @example
 * sigmaToTFloat32(sigmasInterpol[1], logSigmas);
 */
export function sigmaToTFloat32(sigma: number, logSigmas: ArrayLike<number>): number {
  const n = logSigmas.length;
  const logSigma = f32(Math.log(Math.max(sigma, 1e-10)));
  let low = 0;
  for (let i = 0; i < n; i++) if (logSigma >= (logSigmas[i] as number)) low = i;
  low = Math.min(low, n - 2);
  const lo = logSigmas[low] as number;
  const hi = logSigmas[low + 1] as number;
  let w = f32(f32(lo - logSigma) / f32(lo - hi));
  w = Math.min(Math.max(w, 0), 1);
  return f32(f32(f32(1 - w) * low) + f32(w * (low + 1)));
}

/**
 * The geometric mean of neighbouring sigmas as torch computes it in float32:
 * `exp(lerp(log a, log b, 0.5))` (torch's lerp: `b - (b - a)·0.5` for weight 0.5).
 *
 * @example
 * logMidpointFloat32(14.6146, 11.4359); // ≈ 12.928
 */
export function logMidpointFloat32(a: number, b: number): number {
  const la = f32(Math.log(a));
  const lb = f32(Math.log(b));
  const diff = f32(lb - la);
  return f32(Math.exp(f32(lb - f32(diff * 0.5))));
}

/**
 * The VP coefficients of a k-diffusion sigma: `alpha_t = 1/sqrt(σ²+1)`, `sigma_t = σ·alpha_t`, in float32.
 *
 * @example
 * const [alphaT, sigmaT] = sigmaToAlphaSigmaT(14.6146);
 */
export function sigmaToAlphaSigmaT(sigma: number): [number, number] {
  const alpha = f32(1 / Math.sqrt(f32(f32(sigma * sigma) + 1)));
  return [alpha, f32(sigma * alpha)];
}

/**
 * The final sigma appended after the last timestep: 0 for `'zero'`, `sigma(t=0)` for `'sigma_min'`
 * (`sqrt((1-ᾱ0)/ᾱ0)` in float32).
 *
 * @example
 * finalSigma('sigma_min', alphasCumprod); // 0.0292 for SD betas
 */
export function finalSigma(type: string, alphasCumprod: Float32Array): number {
  if (type === 'zero') return 0;
  if (type === 'sigma_min') {
    const a = alphasCumprod[0] as number;
    return Math.sqrt(f32(f32(1 - a) / a));
  }
  throw new SchedulerError('INVALID_CONFIG', `expected "zero" or "sigma_min" for config.final_sigmas_type, received ${JSON.stringify(type)}`, {
    argument: 'config.final_sigmas_type',
    expected: 'zero, sigma_min',
    received: JSON.stringify(type),
  });
}
