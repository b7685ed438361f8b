/**
 * KDPM2DiscreteScheduler (k-diffusion's DPM-Solver-2 / `sample_dpm_2`), step for step as diffusers:
 * a first half to the geometric-mean sigma, a second half from the stored sample with the slope
 * taken there; timesteps alternate `[t0, ti1, t1, ti2, t2, ...]`.
 */
import { configString, requireSupported } from '../config';
import { sigmaPredict } from '../maths/prediction';
import { logMidpointFloat32, sigmaToTFloat32 } from '../sigmas';
import type { ResolvedConfig, StepOptions, StepResult } from '../types';
import { throwIfNotFinite } from '../validate';
import { SigmaSchedulerBase } from './sigma-base';

/**
 * DPM-Solver-2 on k-diffusion sigmas: `order = 2` model evaluations per step.
 *
 * @example
 * const s = createScheduler('KDPM2DiscreteScheduler', sdConfig);
 * s.setTimesteps(25); // 49 model evaluations
 * for (const t of s.timesteps) x = s.step(unet(s.scaleModelInput(x, t), t), t, x).prevSample;
 */
export class KDPM2DiscreteScheduler extends SigmaSchedulerBase {
  readonly order = 2;
  /** The interpolated sigmas in diffusers' layout (entry 0 is NaN and never used). */
  sigmasInterpol: Float32Array = new Float32Array(0);
  private storedSample: Float32Array | undefined = undefined;

  constructor(config: ResolvedConfig) {
    super('KDPM2DiscreteScheduler', config);
    requireSupported(this.className, config, 'prediction_type', ['epsilon', 'v_prediction']);
  }

  /** Whether the next step is the first half. */
  get stateInFirstOrder(): boolean {
    return this.storedSample === undefined;
  }

  setTimesteps(numInferenceSteps: number): void {
    const { timesteps, sigmas } = this.sigmaSchedule(numInferenceSteps, { roundConverted: true, float32Timesteps: true });
    const N = sigmas.length;
    const base = new Float32Array(N + 1);
    base.set(sigmas);
    const interp = new Float32Array(N + 1);
    interp[0] = Number.NaN;
    for (let k = 1; k <= N; k++) interp[k] = logMidpointFloat32(base[k] as number, base[k - 1] as number);
    const layout = (src: Float32Array): Float32Array => {
      const out = new Float32Array(2 * N + 2);
      out[0] = src[0] as number;
      for (let k = 1; k <= N; k++) {
        out[2 * k - 1] = src[k] as number;
        out[2 * k] = src[k] as number;
      }
      out[2 * N + 1] = src[N] as number;
      return out;
    };
    this.sigmas = layout(base);
    this.sigmasInterpol = layout(interp);
    const karrasLike = this.config.use_karras_sigmas === true || this.config.use_exponential_sigmas === true || this.config.use_beta_sigmas === true;
    const tcast = karrasLike ? (v: number): number => v : Math.fround;
    const ts = new Float64Array(2 * N - 1);
    ts[0] = tcast(timesteps[0] as number);
    for (let k = 1; k < N; k++) {
      ts[2 * k - 1] = sigmaToTFloat32(interp[k] as number, this.logSigmas);
      ts[2 * k] = tcast(timesteps[k] as number);
    }
    this.timesteps = ts;
    this.initNoiseSigma = this.computeInitNoiseSigma();
    this.numInferenceSteps = numInferenceSteps;
    this.stepIndex = undefined;
    this.storedSample = undefined;
  }

  protected override sigmaForScale(index: number): number {
    return (this.stateInFirstOrder ? (this.sigmas as Float32Array)[index] : this.sigmasInterpol[index]) as number;
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array, options: StepOptions = {}): StepResult {
    this.checkStepShapes(modelOutput, t, sample);
    const i = this.currentIndex(t);
    const sigmas = this.sigmas as Float32Array;
    const first = this.stateInFirstOrder;
    const sigma = (first ? sigmas[i] : sigmas[i - 1]) as number;
    const sigmaInterpol = (first ? this.sigmasInterpol[i + 1] : this.sigmasInterpol[i]) as number;
    const sigmaNext = (first ? sigmas[i + 1] : sigmas[i]) as number;
    const n = sample.length;
    const x0 = this.outputBuffer('x0', n, options, [sample, modelOutput]);
    throwIfNotFinite(sigmaPredict(configString(this.config, 'prediction_type'), modelOutput, sample, first ? sigma : sigmaInterpol, x0), { sample, modelOutput });
    const prev = this.outputBuffer('prev', n, options, [sample, modelOutput]);
    if (first) {
      const dt = Math.fround(sigmaInterpol - sigma);
      for (let k = 0; k < n; k++) prev[k] = (sample[k] as number) + Math.fround(((sample[k] as number) - (x0[k] as number)) / sigma) * dt;
      this.storedSample = this.workBuffer('stored', n);
      this.storedSample.set(sample);
    } else {
      const dt = Math.fround(sigmaNext - sigma);
      const base = this.storedSample as Float32Array;
      for (let k = 0; k < n; k++) prev[k] = (base[k] as number) + Math.fround(((sample[k] as number) - (x0[k] as number)) / sigmaInterpol) * dt;
      this.storedSample = undefined;
    }
    this.stepIndex = i + 1;
    return { prevSample: prev, predOriginalSample: x0 };
  }
}
