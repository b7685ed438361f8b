/**
 * EulerDiscreteScheduler (Karras et al. 2022, Algorithm 2), step for step as diffusers: interpolated,
 * Karras or exponential sigmas, `final_sigmas_type`, optional churn (`sChurn`) with noise from the rng.
 */
import { configString } from '../config';
import { sigmaPredict } from '../maths/prediction';
import { linspaceF32, noiseScheduleForConfig } from '../noise-schedule';
import { finalSigma } from '../sigmas';
import type { ResolvedConfig, StepOptions, StepResult } from '../types';
import { missingRng, throwIfNotFinite } from '../validate';
import { SigmaSchedulerBase } from './sigma-base';

/** Euler options of `step` beyond the common ones (diffusers' `s_churn`, `s_tmin`, `s_tmax`, `s_noise`). */
export interface EulerStepOptions extends StepOptions {
  sChurn?: number;
  sTmin?: number;
  sTmax?: number;
  sNoise?: number;
}

/**
 * Euler sampler of the probability-flow ODE on discrete diffusers timesteps.
 *
 * @example
 * const s = createScheduler('EulerDiscreteScheduler', { beta_schedule: 'scaled_linear', beta_start: 0.00085, beta_end: 0.012 });
 * s.setTimesteps(25);
 * let x = noise.map((v) => v * s.initNoiseSigma);
 * for (const t of s.timesteps) x = s.step(unet(s.scaleModelInput(x, t), t), t, x).prevSample;
 */
export class EulerDiscreteScheduler extends SigmaSchedulerBase {
  readonly order = 1;

  constructor(config: ResolvedConfig) {
    super('EulerDiscreteScheduler', config, noiseScheduleForConfig(config, { zeroSnrFloor: true }));
  }

  setTimesteps(numInferenceSteps: number): void {
    // log_linear (diffusers): N+1 float32 sigmas log-spaced from sigma(T-1) to sigma(0), at the spaced
    // timesteps; the last step then ends at sigma(0) and the appended final sigma is never reached
    const logLinear = (): Float64Array => {
      const table = this.sigmaTable;
      const logs = linspaceF32(Math.fround(Math.log(table[table.length - 1] as number)), Math.fround(Math.log(table[0] as number)), numInferenceSteps + 1);
      return Float64Array.from(logs, (v) => Math.fround(Math.exp(v)));
    };
    const { timesteps, sigmas } = this.sigmaSchedule(numInferenceSteps, this.config.interpolation_type === 'log_linear' ? { baseSigmas: logLinear } : {});
    const all = new Float32Array(sigmas.length + 1);
    all.set(sigmas);
    all[sigmas.length] = finalSigma(configString(this.config, 'final_sigmas_type'), this.schedule.alphasCumprod);
    this.sigmas = all;
    this.timesteps =
      // diffusers uses continuous timesteps (0.25·log σ) only for v_prediction
      this.config.timestep_type === 'continuous' && this.config.prediction_type === 'v_prediction'
        ? Float64Array.from(all.subarray(0, sigmas.length), (s) => Math.fround(0.25 * Math.fround(Math.log(s))))
        : timesteps.map(Math.fround);
    this.initNoiseSigma = this.computeInitNoiseSigma();
    this.numInferenceSteps = numInferenceSteps;
    this.stepIndex = undefined;
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array, options: EulerStepOptions = {}): StepResult {
    this.checkStepShapes(modelOutput, t, sample);
    const i = this.currentIndex(t);
    const sigmas = this.sigmas as Float32Array;
    const sigma = sigmas[i] as number;
    const sChurn = options.sChurn ?? 0;
    const sTmin = options.sTmin ?? 0;
    const sTmax = options.sTmax ?? Infinity;
    const sNoise = options.sNoise ?? 1;
    const gamma = sTmin <= sigma && sigma <= sTmax ? Math.min(sChurn / (sigmas.length - 1), 2 ** 0.5 - 1) : 0;
    const sigmaHat = Math.fround(sigma * (gamma + 1));
    const n = sample.length;
    let x = sample;
    if (gamma > 0) {
      if (!options.rng) throw missingRng(this.className);
      const noise = this.workBuffer('noise', n);
      options.rng.normal(noise);
      const c = Math.fround(Math.sqrt(Math.fround(sigmaHat * sigmaHat - sigma * sigma)));
      x = this.workBuffer('churned', n);
      for (let k = 0; k < n; k++) x[k] = (sample[k] as number) + (noise[k] as number) * sNoise * c;
    }
    const x0 = this.outputBuffer('x0', n, options, [sample, modelOutput]);
    // diffusers uses sigma_hat for epsilon and sigma for v_prediction
    const prediction = configString(this.config, 'prediction_type');
    throwIfNotFinite(sigmaPredict(prediction, modelOutput, x, prediction === 'epsilon' ? sigmaHat : sigma, x0), { sample, modelOutput });
    const dt = Math.fround((sigmas[i + 1] as number) - sigmaHat);
    const prev = this.outputBuffer('prev', n, options, [sample, modelOutput]);
    for (let k = 0; k < n; k++) {
      const xk = x[k] as number;
      prev[k] = xk + Math.fround((xk - (x0[k] as number)) / sigmaHat) * dt;
    }
    this.stepIndex = i + 1;
    return { prevSample: prev, predOriginalSample: x0 };
  }
}
