/**
 * Shared types of @diffmac/scheduler: the class-layer `Scheduler` contract (diffusers parity),
 * step options and results, configs and the injected logger.
 */
import type { NoiseSource } from '@diffmac/base';

/** A config value as diffusers writes it in `scheduler_config.json`. */
export type ConfigValue = number | string | boolean | null | readonly number[] | readonly string[];

/**
 * A scheduler config: snake_case keys exactly as diffusers writes them (`beta_schedule`,
 * `timestep_spacing`, ...). Keys starting with `_` (`_class_name`, `_diffusers_version`) are metadata.
 */
export type SchedulerConfig = Readonly<Record<string, unknown>>;

/** A config after defaults were applied and every value was validated. */
export type ResolvedConfig = Readonly<Record<string, ConfigValue>>;

/** A config as `toConfig()` returns it: the resolved config plus `_class_name`. */
export interface SchedulerConfigJson {
  readonly _class_name: string;
  readonly [key: string]: ConfigValue;
}

/** Where the package reports non-fatal problems (unknown config keys). Libraries never print. */
export interface Logger {
  warn(message: string): void;
}

/** Options of `createScheduler` / `fromConfig`. */
export interface CreateSchedulerOptions {
  /** Receives one warning per unknown config key. Default: warnings are dropped. */
  logger?: Logger;
}

/** Options of `Scheduler.step`. There is no generator: noise comes only from `rng`. */
export interface StepOptions {
  /** The only noise source; a stochastic step calls `rng.normal(out)` once per noise tensor, in diffusers' order. */
  rng?: NoiseSource;
  /** DDIM / TCD stochasticity (diffusers' `eta`). Defaults: DDIM 0, TCD 0.3. */
  eta?: number;
  /** DDIM only: use these values as the variance noise instead of drawing from `rng` (diffusers' `variance_noise`). */
  varianceNoise?: Float32Array;
  /**
   * Allocation-free stepping: write `prevSample` into this array (same length as `sample`, not
   * overlapping `sample` or `modelOutput`) and return it. The other outputs (`predOriginalSample`,
   * `denoised`, `predNoisedSample`) are then the scheduler's own buffers, valid until its next step:
   * copy what you keep. Without `out` every returned array is new.
   */
  out?: Float32Array;
}

/** What `Scheduler.step` returns. Arrays are new (inputs are never mutated). */
export interface StepResult {
  /** The sample at the next timestep (diffusers' `prev_sample`). */
  prevSample: Float32Array;
  /** The predicted x0, where diffusers returns it (DDPM, DDIM, Euler family, LCM, TCD). */
  predOriginalSample?: Float32Array;
  /** LCM: the denoised sample (`c_out·x0 + c_skip·x`). */
  denoised?: Float32Array;
  /** TCD: the noised sample at the intermediate timestep s. */
  predNoisedSample?: Float32Array;
}

/**
 * A diffusers-compatible scheduler. Created by `createScheduler(className, config)`.
 *
 * @example
 * const s = createScheduler('EulerDiscreteScheduler', { beta_schedule: 'scaled_linear', beta_start: 0.00085, beta_end: 0.012 });
 * s.setTimesteps(25);
 * let x = noise.map((v) => v * s.initNoiseSigma);
 * for (const t of s.timesteps) x = s.step(unet(s.scaleModelInput(x, t), t), t, x, { rng }).prevSample;
 */
export interface Scheduler {
  /** The diffusers class name, e.g. `'DDIMScheduler'`. */
  readonly className: string;
  /** The resolved config (defaults applied, snake_case keys). */
  readonly config: ResolvedConfig;
  /** Model evaluations per step in diffusers' sense (Heun and KDPM2: 2, others 1). */
  readonly order: number;
  /** Whether `step` draws noise with this config (DDIM: only when called with `eta > 0`). */
  readonly stochastic: boolean;
  /** Training timesteps (`num_train_timesteps`). */
  readonly numTrainTimesteps: number;
  /** `alphas_cumprod` as this scheduler uses it (float32), for pipelines that need it. */
  readonly alphasCumprod: Float32Array;
  /** Set by `setTimesteps`. */
  readonly numInferenceSteps: number | undefined;
  /** The timesteps to evaluate the model at, in order (one entry per model evaluation); iterable. */
  readonly timesteps: ArrayLike<number> & Iterable<number>;
  /** The sigmas in diffusers' layout (float32), or `undefined` for schedulers without sigmas. */
  readonly sigmas: (ArrayLike<number> & Iterable<number>) | undefined;
  /** The standard deviation of the initial noise: multiply unit noise by it. */
  readonly initNoiseSigma: number;
  /** Compute the timesteps (and sigmas) for `numInferenceSteps` steps and reset the multistep state. */
  setTimesteps(numInferenceSteps: number): void;
  /**
   * Scale the denoiser input at timestep `t` (identity for most; `x/sqrt(σ²+1)` for the Euler family).
   * Use the return value: it may be `sample` itself (identity), or `out` when given.
   */
  scaleModelInput(sample: Float32Array, t: number, out?: Float32Array): Float32Array;
  /** One step: from `sample` at `t` and the model output, the sample at the next timestep. */
  step(modelOutput: Float32Array, t: number, sample: Float32Array, options?: StepOptions): StepResult;
  /** Noise a clean sample to timestep(s) `t` (one value, or one per batch item). */
  addNoise(originalSamples: Float32Array, noise: Float32Array, t: number | ArrayLike<number>): Float32Array;
  /** The v-prediction target at `t`: `sqrt(ᾱ)·noise - sqrt(1-ᾱ)·sample`. */
  getVelocity(sample: Float32Array, noise: Float32Array, t: number | ArrayLike<number>): Float32Array;
  /** The config as diffusers' `scheduler_config.json` (`_class_name` plus snake_case keys); `fromConfig` round-trips it. */
  toConfig(): SchedulerConfigJson;
}

export type { NoiseSource };
