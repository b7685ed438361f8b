/**
 * PNDMScheduler (Liu et al. 2022), step for step as diffusers: pseudo Runge–Kutta warm-up steps
 * (unless `skip_prk_steps`) then pseudo linear multistep (PLMS) with the (1), (3,-1)/2,
 * (23,-16,5)/12, (55,-59,37,-9)/24 combinations of past model outputs.
 */
import { configBoolean, configNumber, configString } from '../config';
import { discreteTimesteps, type TimestepSpacing } from '../timesteps';
import type { ResolvedConfig, StepOptions, StepResult } from '../types';
import { finiteProbe, throwIfNotFinite } from '../validate';
import { BaseScheduler } from './base';

/**
 * diffusers' `_get_prev_sample` (PNDM paper eq. 9): from `sample` at `t` to `prevT` given an ε (or v) estimate.
 *
 * @example
 * pndmTransfer(x, e, alphasCumprod[901], alphasCumprod[801], 'epsilon', out);
 */
export function pndmTransfer(sample: Float32Array, modelOutput: Float32Array, alphaProd: number, alphaPrev: number, predictionType: string, out: Float32Array): void {
  const f = Math.fround;
  const betaProd = f(1 - alphaProd);
  const betaPrev = f(1 - alphaPrev);
  const sa = f(Math.sqrt(alphaProd));
  const sb = f(Math.sqrt(betaProd));
  const sampleCoeff = f(Math.sqrt(f(alphaPrev / alphaProd)));
  const denom = f(f(alphaProd * f(Math.sqrt(betaPrev))) + f(Math.sqrt(f(f(alphaProd * betaProd) * alphaPrev))));
  const diff = f(alphaPrev - alphaProd);
  const v = predictionType === 'v_prediction';
  for (let i = 0; i < sample.length; i++) {
    const x = sample[i] as number;
    const e = v ? sa * (modelOutput[i] as number) + sb * x : (modelOutput[i] as number);
    out[i] = sampleCoeff * x - (diff * e) / denom;
  }
}

/**
 * Pseudo numerical methods for diffusion models.
 *
 * @example
 * const s = createScheduler('PNDMScheduler', { beta_schedule: 'scaled_linear', beta_start: 0.00085, beta_end: 0.012, skip_prk_steps: true, steps_offset: 1 });
 * s.setTimesteps(50); // 51 model evaluations (the second timestep repeats)
 * for (const t of s.timesteps) x = s.step(unet(x, t), t, x).prevSample;
 */
export class PNDMScheduler extends BaseScheduler {
  readonly order = 1;
  private readonly finalAlphaCumprod: number;
  /** The PRK part of `timesteps` (empty with `skip_prk_steps`). */
  prkTimesteps: Float64Array = new Float64Array(0);
  /** The PLMS part of `timesteps`. */
  plmsTimesteps: Float64Array = new Float64Array(0);
  /** Model-output history (diffusers' `ets`), newest last, at most 4. */
  private ets: Float32Array[] = [];
  /** Steps taken since `setTimesteps` (diffusers' `counter`). */
  counter = 0;
  private curModelOutput: Float32Array | undefined = undefined;
  private curSample: Float32Array | undefined = undefined;

  constructor(config: ResolvedConfig) {
    super('PNDMScheduler', config);
    this.finalAlphaCumprod = configBoolean(config, 'set_alpha_to_one') ? 1 : (this.schedule.alphasCumprod[0] as number);
  }

  /** Length of the model-output history. */
  get etsLength(): number {
    return this.ets.length;
  }

  setTimesteps(numInferenceSteps: number): void {
    const T = this.numTrainTimesteps;
    const N = numInferenceSteps;
    const asc = discreteTimesteps(configString(this.config, 'timestep_spacing') as TimestepSpacing, T, N, configNumber(this.config, 'steps_offset')).reverse();
    if (configBoolean(this.config, 'skip_prk_steps')) {
      this.prkTimesteps = new Float64Array(0);
      const seq = [...asc.subarray(0, -1)];
      if (asc.length >= 2) seq.push(asc[asc.length - 2] as number);
      seq.push(asc[asc.length - 1] as number);
      this.plmsTimesteps = Float64Array.from(seq.reverse());
    } else {
      const half = Math.floor(Math.floor(T / N) / 2);
      const last = [...asc.subarray(Math.max(0, asc.length - 4))];
      const prk: number[] = [];
      for (const v of last) prk.push(v, v + half);
      const rep: number[] = [];
      for (const v of prk.slice(0, -1)) rep.push(v, v);
      this.prkTimesteps = Float64Array.from(rep.slice(1, -1).reverse());
      this.plmsTimesteps = Float64Array.from([...asc.subarray(0, Math.max(0, asc.length - 3))].reverse());
    }
    const all = new Float64Array(this.prkTimesteps.length + this.plmsTimesteps.length);
    all.set(this.prkTimesteps);
    all.set(this.plmsTimesteps, this.prkTimesteps.length);
    this.timesteps = all;
    this.numInferenceSteps = N;
    this.ets = [];
    this.counter = 0;
    this.curModelOutput = undefined;
    this.curSample = undefined;
    this.stepIndex = undefined;
  }

  /** Append a copy of `modelOutput` to the history (at most 4 entries), reusing the dropped buffer. */
  private pushEts(modelOutput: Float32Array): void {
    const dropped = this.ets.length >= 4 ? this.ets.shift() : undefined;
    const copy = dropped && dropped.length === modelOutput.length ? dropped : new Float32Array(modelOutput.length);
    copy.set(modelOutput);
    this.ets.push(copy);
  }

  private alphaOrFinal(t: number): number {
    return t >= 0 ? this.alphaProdAt(t, 'prev_timestep') : this.finalAlphaCumprod;
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array, options: StepOptions = {}): StepResult {
    this.checkStepShapes(modelOutput, t, sample);
    throwIfNotFinite(finiteProbe(modelOutput, sample), { sample, modelOutput });
    const prk = this.counter < this.prkTimesteps.length && !configBoolean(this.config, 'skip_prk_steps');
    const prev = this.outputBuffer('prev', sample.length, options, [sample, modelOutput]);
    if (prk) this.stepPrk(modelOutput, t, sample, prev);
    else this.stepPlms(modelOutput, t, sample, prev);
    this.counter += 1;
    return { prevSample: prev };
  }

  private stepPrk(modelOutput: Float32Array, t: number, sample: Float32Array, out: Float32Array): void {
    const ratio = Math.floor(this.numTrainTimesteps / (this.numInferenceSteps as number));
    const diffToPrev = this.counter % 2 ? 0 : Math.floor(ratio / 2);
    const prevT = t - diffToPrev;
    const timestep = this.prkTimesteps[Math.floor(this.counter / 4) * 4] as number;
    const n = sample.length;
    let output = modelOutput;
    const phase = this.counter % 4;
    if (phase === 0) {
      this.curModelOutput = this.workBuffer('accumulated', n);
      for (let i = 0; i < n; i++) this.curModelOutput[i] = (modelOutput[i] as number) / 6;
      this.pushEts(modelOutput);
      this.curSample = this.workBuffer('cur', n);
      this.curSample.set(sample);
    } else if (phase === 1 || phase === 2) {
      const acc = this.curModelOutput as Float32Array;
      for (let i = 0; i < n; i++) acc[i] = (acc[i] as number) + (modelOutput[i] as number) / 3;
    } else {
      const acc = this.curModelOutput as Float32Array;
      output = this.workBuffer('combined', n);
      for (let i = 0; i < n; i++) output[i] = (acc[i] as number) + (modelOutput[i] as number) / 6;
      this.curModelOutput = undefined;
    }
    const from = this.curSample ?? sample;
    pndmTransfer(from, output, this.alphaProdAt(timestep), this.alphaOrFinal(prevT), configString(this.config, 'prediction_type'), out);
  }

  private stepPlms(modelOutput: Float32Array, t: number, sample: Float32Array, out: Float32Array): void {
    const ratio = Math.floor(this.numTrainTimesteps / (this.numInferenceSteps as number));
    let timestep = t;
    let prevT = t - ratio;
    if (this.counter !== 1) {
      this.pushEts(modelOutput);
    } else {
      prevT = t;
      timestep = t + ratio;
    }
    const n = sample.length;
    const e = this.ets;
    const at = (k: number): Float32Array => e[e.length - k] as Float32Array;
    let from = sample;
    const combined = this.workBuffer('combined', n);
    if (e.length === 1 && this.counter === 0) {
      combined.set(modelOutput);
      this.curSample = this.workBuffer('cur', n);
      this.curSample.set(sample);
    } else if (e.length === 1 && this.counter === 1) {
      const e1 = at(1);
      for (let i = 0; i < n; i++) combined[i] = ((modelOutput[i] as number) + (e1[i] as number)) / 2;
      from = this.curSample as Float32Array;
      this.curSample = undefined;
    } else if (e.length === 2) {
      const [a, b] = [at(1), at(2)];
      for (let i = 0; i < n; i++) combined[i] = (3 * (a[i] as number) - (b[i] as number)) / 2;
    } else if (e.length === 3) {
      const [a, b, c] = [at(1), at(2), at(3)];
      for (let i = 0; i < n; i++) combined[i] = (23 * (a[i] as number) - 16 * (b[i] as number) + 5 * (c[i] as number)) / 12;
    } else {
      const [a, b, c, d] = [at(1), at(2), at(3), at(4)];
      for (let i = 0; i < n; i++) combined[i] = (55 * (a[i] as number) - 59 * (b[i] as number) + 37 * (c[i] as number) - 9 * (d[i] as number)) / 24;
    }
    pndmTransfer(from, combined, this.alphaProdAt(timestep), this.alphaOrFinal(prevT), configString(this.config, 'prediction_type'), out);
  }
}
