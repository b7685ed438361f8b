/**
 * HeunDiscreteScheduler (Karras et al. 2022, Algorithm 1 without churn), step for step as diffusers:
 * sigmas `[s0, s1, s1, ..., s(N-1), s(N-1), 0]`, an Euler step then a trapezoidal correction at the
 * duplicated timestep; the last evaluation is a plain Euler step.
 */
import { configBoolean, configNumber, configString } from '../config';
import { heunCorrect } from '../maths/k-diffusion';
import { clampInPlace, sigmaPredict } from '../maths/prediction';
import type { ResolvedConfig, StepOptions, StepResult } from '../types';
import { throwIfNotFinite } from '../validate';
import { SigmaSchedulerBase } from './sigma-base';

/**
 * Heun's second-order sampler: `order = 2` model evaluations per step.
 *
 * @example
 * const s = createScheduler('HeunDiscreteScheduler', sdConfig);
 * s.setTimesteps(10); // 19 model evaluations
 * for (const t of s.timesteps) x = s.step(unet(s.scaleModelInput(x, t), t), t, x).prevSample;
 */
export class HeunDiscreteScheduler extends SigmaSchedulerBase {
  readonly order = 2;
  private prevDerivative: Float32Array | undefined = undefined;
  private dt: number | undefined = undefined;
  private storedSample: Float32Array | undefined = undefined;

  constructor(config: ResolvedConfig) {
    super('HeunDiscreteScheduler', config);
  }

  /** Whether the next step is the first (Euler) half. */
  get stateInFirstOrder(): boolean {
    return this.dt === undefined;
  }

  setTimesteps(numInferenceSteps: number): void {
    const { timesteps, sigmas } = this.sigmaSchedule(numInferenceSteps);
    const N = sigmas.length;
    const s = new Float32Array(2 * N);
    const ts = new Float64Array(2 * N - 1);
    s[0] = sigmas[0] as number;
    ts[0] = Math.fround(timesteps[0] as number);
    for (let k = 1; k < N; k++) {
      s[2 * k - 1] = sigmas[k] as number;
      s[2 * k] = sigmas[k] as number;
      ts[2 * k - 1] = Math.fround(timesteps[k] as number);
      ts[2 * k] = Math.fround(timesteps[k] as number);
    }
    s[2 * N - 1] = 0;
    this.sigmas = s;
    this.timesteps = ts;
    this.initNoiseSigma = this.computeInitNoiseSigma();
    this.numInferenceSteps = numInferenceSteps;
    this.stepIndex = undefined;
    this.prevDerivative = undefined;
    this.dt = undefined;
    this.storedSample = undefined;
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array, options: StepOptions = {}): StepResult {
    this.checkStepShapes(modelOutput, t, sample);
    const i = this.currentIndex(t);
    const sigmas = this.sigmas as Float32Array;
    const first = this.stateInFirstOrder;
    const sigma = (first ? sigmas[i] : sigmas[i - 1]) as number;
    const sigmaNext = (first ? sigmas[i + 1] : sigmas[i]) as number;
    const n = sample.length;
    const x0 = this.outputBuffer('x0', n, options, [sample, modelOutput]);
    throwIfNotFinite(sigmaPredict(configString(this.config, 'prediction_type'), modelOutput, sample, first ? sigma : sigmaNext, x0), { sample, modelOutput });
    if (configBoolean(this.config, 'clip_sample')) clampInPlace(x0, configNumber(this.config, 'clip_sample_range'));
    const prev = this.outputBuffer('prev', n, options, [sample, modelOutput]);
    if (first) {
      const d = this.workBuffer('derivative', n);
      for (let k = 0; k < n; k++) d[k] = ((sample[k] as number) - (x0[k] as number)) / sigma;
      const dt = Math.fround(sigmaNext - sigma);
      for (let k = 0; k < n; k++) prev[k] = (sample[k] as number) + (d[k] as number) * dt;
      this.prevDerivative = d;
      this.dt = dt;
      this.storedSample = this.workBuffer('stored', n);
      this.storedSample.set(sample);
    } else {
      heunCorrect(this.storedSample as Float32Array, this.prevDerivative as Float32Array, sample, x0, sigmaNext, this.dt as number, prev);
      this.prevDerivative = undefined;
      this.dt = undefined;
      this.storedSample = undefined;
    }
    this.stepIndex = i + 1;
    return { prevSample: prev, predOriginalSample: x0 };
  }
}
