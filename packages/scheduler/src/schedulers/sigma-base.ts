/**
 * The shared part of the k-diffusion-style discrete schedulers of diffusers (Euler, Euler-ancestral,
 * Heun, LMS, KDPM2): the float32 sigma table, spaced timesteps, interpolated / Karras /
 * exponential sigmas, `init_noise_sigma`, `scale_model_input` and sigma-based `add_noise`.
 */
import { configBoolean, configNumber, configNumberOrNull, configString, requireSupported } from '../config';
import { scaleBySigma } from '../maths/k-diffusion';
import type { NoiseSchedule } from '../noise-schedule';
import { betaSigmas, exponentialSigmas, interpolateSigmas, karrasSigmas, logSigmaTable, sigmaTable, sigmaToT } from '../sigmas';
import { roundHalfEven, sigmaFamilyTimesteps, type TimestepSpacing } from '../timesteps';
import type { ResolvedConfig } from '../types';
import { checkTensor, checkTensorShape, throwIfNotFinite, timestepIndex } from '../validate';
import { BaseScheduler, perItem } from './base';

/** Timesteps (float64, before any float32 cast) and sigmas (float64, without the final sigma). */
export interface SigmaSchedule {
  timesteps: Float64Array;
  sigmas: Float64Array;
}

/**
 * Base of the sigma-family schedulers.
 *
 * @example
 * class EulerDiscreteScheduler extends SigmaSchedulerBase { ... }
 */
export abstract class SigmaSchedulerBase extends BaseScheduler {
  /** `sqrt((1-ᾱ)/ᾱ)` for every training timestep (float32). */
  protected readonly sigmaTable: Float32Array;
  /** `log(sigmaTable)` (float32). */
  protected readonly logSigmas: Float32Array;

  constructor(className: string, config: ResolvedConfig, schedule?: NoiseSchedule) {
    super(className, config, schedule);
    const families = ['use_karras_sigmas', 'use_exponential_sigmas', 'use_beta_sigmas'].filter((k) => configBoolean(config, k));
    if (families.length > 1) requireSupported(className, config, families[1] as string, [false]);
    this.sigmaTable = sigmaTable(this.schedule.alphasCumprod);
    this.logSigmas = logSigmaTable(this.sigmaTable);
  }

  /**
   * Spaced timesteps and the sigmas at them; with Karras, exponential or beta sigmas, the sigmas
   * are replaced and the timesteps recomputed by `_sigma_to_t` (Karras ones rounded when `roundConverted`).
   */
  protected sigmaSchedule(
    numInferenceSteps: number,
    options: { roundConverted?: boolean; float32Timesteps?: boolean; baseSigmas?: (timesteps: Float64Array) => Float64Array } = {},
  ): SigmaSchedule {
    const T = this.numTrainTimesteps;
    let timesteps = sigmaFamilyTimesteps(configString(this.config, 'timestep_spacing') as TimestepSpacing, T, numInferenceSteps, configNumber(this.config, 'steps_offset'));
    if (options.float32Timesteps) timesteps = timesteps.map(Math.fround);
    let sigmas = options.baseSigmas ? options.baseSigmas(timesteps) : interpolateSigmas(timesteps, this.sigmaTable);
    const karras = configBoolean(this.config, 'use_karras_sigmas');
    const exponential = configBoolean(this.config, 'use_exponential_sigmas');
    const beta = configBoolean(this.config, 'use_beta_sigmas');
    if (karras || exponential || beta) {
      const sigmaMin = ('sigma_min' in this.config ? configNumberOrNull(this.config, 'sigma_min') : null) ?? (sigmas[sigmas.length - 1] as number);
      const sigmaMax = ('sigma_max' in this.config ? configNumberOrNull(this.config, 'sigma_max') : null) ?? (sigmas[0] as number);
      sigmas = karras ? karrasSigmas(sigmaMin, sigmaMax, numInferenceSteps) : exponential ? exponentialSigmas(sigmaMin, sigmaMax, numInferenceSteps) : betaSigmas(sigmaMin, sigmaMax, numInferenceSteps);
      timesteps = sigmas.map((s) => {
        const t = sigmaToT(s, this.logSigmas);
        return options.roundConverted && karras ? roundHalfEven(t) : t;
      });
    }
    return { timesteps, sigmas };
  }

  /** diffusers' `init_noise_sigma`: max sigma for linspace/trailing, `sqrt(max²+1)` for leading. */
  protected computeInitNoiseSigma(): number {
    let max = 0;
    for (const s of this.sigmas ?? []) if (s > max) max = s;
    if (configString(this.config, 'timestep_spacing') === 'leading') return Math.fround(Math.sqrt(Math.fround(Math.fround(max * max) + 1)));
    return max;
  }

  /** The sigma `scaleModelInput` divides by at step index `index`. */
  protected sigmaForScale(index: number): number {
    return (this.sigmas as Float32Array)[index] as number;
  }

  /** The index of timestep `t` for this step (diffusers' `_step_index`, or its lookup on the first step). */
  protected currentIndex(t: number): number {
    return this.resolveStepIndex(t);
  }

  override scaleModelInput(sample: Float32Array, t: number, into?: Float32Array): Float32Array {
    this.requireTimesteps('scaleModelInput');
    checkTensorShape('sample', sample);
    if (into !== undefined) checkTensorShape('out', into, sample.length);
    const out = into ?? new Float32Array(sample.length);
    throwIfNotFinite(scaleBySigma(sample, this.sigmaForScale(this.currentIndex(t)), out), { sample });
    return out;
  }

  /** `x0 + σ(t)·noise`, with `t` one of this schedule's timesteps (diffusers' sigma-family `add_noise`). */
  override addNoise(originalSamples: Float32Array, noise: Float32Array, t: number | ArrayLike<number>): Float32Array {
    this.requireTimesteps('addNoise');
    checkTensor('originalSamples', originalSamples);
    checkTensor('noise', noise, originalSamples.length);
    const { values, itemSize } = perItem(t, originalSamples.length);
    const out = new Float32Array(originalSamples.length);
    values.forEach((tv, b) => {
      const sigma = (this.sigmas as Float32Array)[timestepIndex(this.timesteps, tv)] as number;
      for (let i = b * itemSize; i < (b + 1) * itemSize; i++) out[i] = (originalSamples[i] as number) + (noise[i] as number) * sigma;
    });
    return out;
  }
}
