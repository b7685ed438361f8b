/**
 * The discrete noise schedule: betas, alphas and alphas_cumprod as diffusers builds them in
 * float32 (linear, scaled_linear, squaredcos_cap_v2, sigmoid, trained betas), and the zero-terminal-SNR
 * rescaling.
 */
import { configBoolean, configNumber, configString } from './config';
import { SchedulerError } from './errors';
import type { ResolvedConfig } from './types';

const f32 = Math.fround;

/** A float32 discrete schedule. */
export interface NoiseSchedule {
  readonly betas: Float32Array;
  readonly alphas: Float32Array;
  readonly alphasCumprod: Float32Array;
}

/**
 * `torch.linspace(start, end, n)` rounded to float32 (torch's symmetric two-sided formula,
 * evaluated in float64; within 2 ulp of torch's vectorised float32 result).
 *
 * @example
 * linspaceF32(0, 1, 5); // Float32Array [0, 0.25, 0.5, 0.75, 1]
 */
export function linspaceF32(start: number, end: number, n: number): Float32Array {
  const out = new Float32Array(n);
  if (n === 1) {
    out[0] = start;
    return out;
  }
  const step = (end - start) / (n - 1);
  const half = Math.floor(n / 2);
  for (let i = 0; i < n; i++) out[i] = i < half ? start + i * step : end - (n - 1 - i) * step;
  return out;
}

/**
 * `betas_for_alpha_bar` with the cosine transform (`squaredcos_cap_v2`): float64, then float32.
 *
 * @example
 * cosineBetas(1000)[999]; // 0.999 (capped)
 */
export function cosineBetas(n: number, maxBeta = 0.999): Float32Array {
  const abar = (t: number): number => Math.cos(((t + 0.008) / 1.008) * Math.PI * 0.5) ** 2;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.min(1 - abar((i + 1) / n) / abar(i / n), maxBeta);
  return out;
}

/**
 * Rescale betas to zero terminal SNR (Lin et al. 2023, Algorithm 1) in float32, as diffusers does.
 * The resulting `alphas_cumprod[T-1]` is exactly 0.
 *
 * @example
 * const zs = rescaleZeroTerminalSnr(betas);
 */
export function rescaleZeroTerminalSnr(betas: Float32Array): Float32Array {
  const n = betas.length;
  const sq = new Float32Array(n);
  let prod = 1;
  for (let i = 0; i < n; i++) {
    prod *= f32(1 - (betas[i] as number));
    sq[i] = Math.sqrt(f32(prod));
  }
  const s0 = sq[0] as number;
  const sT = sq[n - 1] as number;
  const scale = f32(s0 / f32(s0 - sT));
  const ab = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const v = f32(f32((sq[i] as number) - sT) * scale);
    ab[i] = v * v;
  }
  const out = new Float32Array(n);
  out[0] = f32(1 - (ab[0] as number));
  for (let i = 1; i < n; i++) out[i] = f32(1 - f32((ab[i] as number) / (ab[i - 1] as number)));
  return out;
}

/**
 * `cumprod(alphas)` as torch computes it in float32 (accumulated in double, rounded once per entry).
 *
 * @example
 * cumprodF32(Float32Array.of(0.5, 0.5)); // [0.5, 0.25]
 */
export function cumprodF32(alphas: Float32Array): Float32Array {
  const out = new Float32Array(alphas.length);
  let p = 1;
  for (let i = 0; i < alphas.length; i++) {
    p *= alphas[i] as number;
    out[i] = p;
  }
  return out;
}

/**
 * Betas for a resolved config (`beta_schedule`, `beta_start`, `beta_end`, `num_train_timesteps`,
 * `trained_betas`), before any zero-SNR rescaling.
 *
 * @example
 * const b = betasForConfig(resolveConfig('DDIMScheduler', { beta_schedule: 'scaled_linear', beta_start: 0.00085, beta_end: 0.012 }));
 */
export function betasForConfig(config: ResolvedConfig): Float32Array {
  const T = configNumber(config, 'num_train_timesteps');
  const trained = config.trained_betas;
  if (Array.isArray(trained)) {
    if (trained.length !== T) {
      throw new SchedulerError('INVALID_CONFIG', `expected ${T} values (num_train_timesteps) for config.trained_betas, received ${trained.length}`, {
        argument: 'config.trained_betas',
        expected: `${T} values`,
        received: `${trained.length} values`,
      });
    }
    return Float32Array.from(trained as number[]);
  }
  const start = configNumber(config, 'beta_start');
  const end = configNumber(config, 'beta_end');
  const schedule = configString(config, 'beta_schedule');
  switch (schedule) {
    case 'linear':
      return linspaceF32(start, end, T);
    case 'scaled_linear': {
      const b = linspaceF32(Math.sqrt(start), Math.sqrt(end), T);
      for (let i = 0; i < T; i++) b[i] = (b[i] as number) * (b[i] as number);
      return b;
    }
    case 'squaredcos_cap_v2':
      return cosineBetas(T);
    case 'sigmoid': {
      const x = linspaceF32(-6, 6, T);
      const b = new Float32Array(T);
      for (let i = 0; i < T; i++) b[i] = f32(f32(1 / (1 + Math.exp(-(x[i] as number)))) * f32(end - start)) + start;
      return b;
    }
    default:
      throw new SchedulerError('INVALID_CONFIG', `expected one of linear, scaled_linear, squaredcos_cap_v2 for config.beta_schedule, received "${schedule}"`, {
        argument: 'config.beta_schedule',
        expected: 'linear, scaled_linear, squaredcos_cap_v2',
        received: schedule,
      });
  }
}

/** Options of `noiseScheduleForConfig`. */
export interface NoiseScheduleOptions {
  /**
   * With `rescale_betas_zero_snr`, overwrite `alphas_cumprod[T-1] = 2^-24` so that sigma stays finite,
   * as diffusers' Euler, Euler-ancestral, DPM-Solver multistep and UniPC do (DDIM, DDPM, LCM, TCD keep 0).
   */
  zeroSnrFloor?: boolean;
}

/**
 * The full float32 schedule of a resolved config, with `rescale_betas_zero_snr` applied when set.
 *
 * @example
 * const { alphasCumprod } = noiseScheduleForConfig(cfg); // 1000 float32 values
 * const euler = noiseScheduleForConfig(cfg, { zeroSnrFloor: true }); // ᾱ[999] = 2^-24 under zero SNR
 */
export function noiseScheduleForConfig(config: ResolvedConfig, options: NoiseScheduleOptions = {}): NoiseSchedule {
  let betas = betasForConfig(config);
  const zeroSnr = configBoolean(config, 'rescale_betas_zero_snr');
  if (zeroSnr) betas = rescaleZeroTerminalSnr(betas);
  const alphas = new Float32Array(betas.length);
  for (let i = 0; i < betas.length; i++) alphas[i] = 1 - (betas[i] as number);
  const alphasCumprod = cumprodF32(alphas);
  if (zeroSnr && options.zeroSnrFloor) alphasCumprod[alphasCumprod.length - 1] = 2 ** -24;
  return { betas, alphas, alphasCumprod };
}
