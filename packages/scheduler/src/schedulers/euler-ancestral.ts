/**
 * EulerAncestralDiscreteScheduler, step for step as diffusers: an Euler step to σ_down plus σ_up
 * of fresh noise, drawn from the rng at every step (including the last, where σ_up = 0).
 */
import { configString } from '../config';
import { ancestralSigmas, eulerAncestralStep } from '../maths/k-diffusion';
import { sigmaPredict } from '../maths/prediction';
import { noiseScheduleForConfig } from '../noise-schedule';
import type { ResolvedConfig, StepOptions, StepResult } from '../types';
import { missingRng, throwIfNotFinite } from '../validate';
import { SigmaSchedulerBase } from './sigma-base';

/**
 * Ancestral Euler sampler (k-diffusion's `sample_euler_ancestral` on diffusers timesteps).
 *
 * @example
 * const s = createScheduler('EulerAncestralDiscreteScheduler', sdConfig);
 * s.setTimesteps(25);
 * x = s.step(eps, s.timesteps[0], x, { rng: createRng(1) }).prevSample;
 */
export class EulerAncestralDiscreteScheduler extends SigmaSchedulerBase {
  readonly order = 1;

  constructor(config: ResolvedConfig) {
    super('EulerAncestralDiscreteScheduler', config, noiseScheduleForConfig(config, { zeroSnrFloor: true }));
  }

  override get stochastic(): boolean {
    return true;
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
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array, options: StepOptions = {}): StepResult {
    this.checkStepShapes(modelOutput, t, sample);
    if (!options.rng) throw missingRng(this.className);
    const i = this.currentIndex(t);
    const sigmas = this.sigmas as Float32Array;
    const sigma = sigmas[i] as number;
    const n = sample.length;
    const x0 = this.outputBuffer('x0', n, options, [sample, modelOutput]);
    throwIfNotFinite(sigmaPredict(configString(this.config, 'prediction_type'), modelOutput, sample, sigma, x0), { sample, modelOutput });
    const { sigmaUp, sigmaDown } = ancestralSigmas(sigma, sigmas[i + 1] as number);
    const noise = this.workBuffer('noise', n);
    options.rng.normal(noise);
    const prev = this.outputBuffer('prev', n, options, [sample, modelOutput]);
    eulerAncestralStep(sample, x0, sigma, sigmaDown, sigmaUp, noise, prev);
    this.stepIndex = i + 1;
    return { prevSample: prev, predOriginalSample: x0 };
  }
}
