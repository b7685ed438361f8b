/**
 * What every class-layer scheduler shares: the resolved config, the float32 noise schedule,
 * timestep bookkeeping, `addNoise` / `getVelocity`, and `toConfig`.
 */
import { configNumber } from '../config';
import { SchedulerError } from '../errors';
import { noiseScheduleForConfig, type NoiseSchedule } from '../noise-schedule';
import type { ResolvedConfig, Scheduler, SchedulerConfigJson, StepOptions, StepResult } from '../types';
import { checkTensor, checkTensorShape, notReady, TIMESTEP_MATCH_TOLERANCE, timestepIndex } from '../validate';

/**
 * Split a tensor of `total` values into batch items for per-item timesteps: one value of `t` for
 * the whole tensor, or one per batch item of equal size.
 *
 * @example
 * perItem([10, 900], 128); // { values: [10, 900], itemSize: 64 }
 */
export function perItem(t: number | ArrayLike<number>, total: number, argument = 't'): { values: number[]; itemSize: number } {
  const values = typeof t === 'number' ? [t] : Array.from(t);
  if (values.length === 0 || total % values.length !== 0) {
    throw new SchedulerError('LENGTH_MISMATCH', `Expected one timestep or one per batch item (a divisor of ${total}) for ${argument}, received ${values.length}`, {
      argument,
      expected: `1 or a divisor of ${total} values`,
      received: `${values.length} values`,
    });
  }
  return { values, itemSize: total / values.length };
}

/**
 * Base class of the class-layer schedulers. Subclasses implement `setTimesteps`, `step` and, where
 * it is not the identity, `scaleModelInput`.
 *
 * @example
 * class MyScheduler extends BaseScheduler { ... }
 */
export abstract class BaseScheduler implements Scheduler {
  readonly className: string;
  readonly config: ResolvedConfig;
  abstract readonly order: number;
  readonly numTrainTimesteps: number;
  /** betas, alphas, alphas_cumprod in float32. */
  protected readonly schedule: NoiseSchedule;
  numInferenceSteps: number | undefined = undefined;
  timesteps: Float64Array = new Float64Array(0);
  sigmas: Float32Array | undefined = undefined;
  initNoiseSigma = 1;
  /** Index into `timesteps` of the next step (diffusers' `_step_index`), or undefined before the first step. */
  protected stepIndex: number | undefined = undefined;
  /** Per-instance work buffers reused across steps (intermediates and noise are never returned). */
  private readonly workBuffers = new Map<string, Float32Array>();

  constructor(className: string, config: ResolvedConfig, schedule: NoiseSchedule = noiseScheduleForConfig(config)) {
    this.className = className;
    this.config = config;
    this.numTrainTimesteps = configNumber(config, 'num_train_timesteps');
    this.schedule = schedule;
  }

  get alphasCumprod(): Float32Array {
    return this.schedule.alphasCumprod;
  }

  get stochastic(): boolean {
    return false;
  }

  abstract setTimesteps(numInferenceSteps: number): void;
  abstract step(modelOutput: Float32Array, t: number, sample: Float32Array, options?: StepOptions): StepResult;

  /** Identity (returns `sample` itself; it is not mutated). */
  scaleModelInput(sample: Float32Array, t: number, out?: Float32Array): Float32Array {
    checkTensor('sample', sample);
    void t;
    void out;
    return sample;
  }

  /**
   * A work buffer of `n` values named `name`, reused across steps so that intermediates cost no
   * allocation. Its contents are unspecified on return; never hand it to the caller.
   */
  protected workBuffer(name: string, n: number): Float32Array {
    let buf = this.workBuffers.get(name);
    if (!buf || buf.length !== n) {
      buf = new Float32Array(n);
      this.workBuffers.set(name, buf);
    }
    return buf;
  }

  /**
   * The array a step returns as output `kind`: `options.out` for the previous sample when given
   * (checked), a work buffer for the other outputs when `options.out` is given, else a new array.
   */
  protected outputBuffer(kind: 'prev' | 'x0' | 'denoised' | 'noised', n: number, options: StepOptions, inputs: readonly Float32Array[]): Float32Array {
    const out = options.out;
    if (out === undefined) return new Float32Array(n);
    if (kind !== 'prev') return this.workBuffer(`output:${kind}`, n);
    checkTensorShape('options.out', out, n);
    for (const input of inputs) {
      const overlap = out.buffer === input.buffer && out.byteOffset < input.byteOffset + input.byteLength && input.byteOffset < out.byteOffset + out.byteLength;
      if (overlap) {
        throw new SchedulerError('INVALID_ARGUMENT', 'Expected options.out not to overlap sample or modelOutput (pass another buffer, e.g. ping-pong two)', {
          argument: 'options.out',
          expected: 'a Float32Array not overlapping the inputs',
          received: 'an array sharing memory with an input',
        });
      }
    }
    return out;
  }

  /** Throw unless `setTimesteps` ran. */
  protected requireTimesteps(method: string): void {
    if (this.numInferenceSteps === undefined) throw notReady(this.className, method);
  }

  /**
   * The index of `t` for this step: the expected next index when `t` matches it, otherwise
   * diffusers' lookup (second match of a duplicated value).
   */
  protected resolveStepIndex(t: number): number {
    const expected = this.stepIndex;
    if (expected !== undefined && expected < this.timesteps.length) {
      const want = this.timesteps[expected] as number;
      if (Math.fround(want) === Math.fround(t) || Math.abs(want - t) <= TIMESTEP_MATCH_TOLERANCE * Math.max(1, Math.abs(t))) return expected;
    }
    return timestepIndex(this.timesteps, t);
  }

  /** Check the common step arguments. */
  protected checkStepInputs(modelOutput: Float32Array, t: number, sample: Float32Array): void {
    this.requireTimesteps('step');
    checkTensor('sample', sample);
    checkTensor('modelOutput', modelOutput, sample.length);
    if (typeof t !== 'number' || !Number.isFinite(t)) throw new SchedulerError('INVALID_ARGUMENT', `Expected a finite number for t, received ${String(t)}`, { argument: 't', expected: 'a finite number', received: String(t) });
  }

  /**
   * The common step checks without scanning values: timesteps set, Float32Arrays of equal length,
   * finite `t`. The kernels return a finiteness probe for `throwIfNotFinite`.
   */
  protected checkStepShapes(modelOutput: Float32Array, t: number, sample: Float32Array): void {
    this.requireTimesteps('step');
    checkTensorShape('sample', sample);
    checkTensorShape('modelOutput', modelOutput, sample.length);
    if (typeof t !== 'number' || !Number.isFinite(t)) throw new SchedulerError('INVALID_ARGUMENT', `Expected a finite number for t, received ${String(t)}`, { argument: 't', expected: 'a finite number', received: String(t) });
  }

  /** `alphas_cumprod[t]` for an integer training timestep. */
  protected alphaProdAt(t: number, argument = 't'): number {
    if (!Number.isInteger(t) || t < 0 || t >= this.numTrainTimesteps) {
      throw new SchedulerError('INVALID_TIMESTEP', `Expected an integer training timestep in [0, ${this.numTrainTimesteps - 1}] for ${argument}, received ${t}`, {
        argument,
        expected: `an integer in [0, ${this.numTrainTimesteps - 1}]`,
        received: String(t),
      });
    }
    return this.schedule.alphasCumprod[t] as number;
  }

  /** `sqrt(ᾱ_t)·x0 + sqrt(1-ᾱ_t)·noise` with integer training timesteps (DDPM-style). */
  addNoise(originalSamples: Float32Array, noise: Float32Array, t: number | ArrayLike<number>): Float32Array {
    checkTensor('originalSamples', originalSamples);
    checkTensor('noise', noise, originalSamples.length);
    const { values, itemSize } = perItem(t, originalSamples.length);
    const out = new Float32Array(originalSamples.length);
    values.forEach((tv, b) => {
      const a = this.alphaProdAt(tv);
      const sa = Math.fround(Math.sqrt(a));
      const sb = Math.fround(Math.sqrt(Math.fround(1 - a)));
      for (let i = b * itemSize; i < (b + 1) * itemSize; i++) out[i] = sa * (originalSamples[i] as number) + sb * (noise[i] as number);
    });
    return out;
  }

  /** `sqrt(ᾱ_t)·noise - sqrt(1-ᾱ_t)·sample` with integer training timesteps. */
  getVelocity(sample: Float32Array, noise: Float32Array, t: number | ArrayLike<number>): Float32Array {
    checkTensor('sample', sample);
    checkTensor('noise', noise, sample.length);
    const { values, itemSize } = perItem(t, sample.length);
    const out = new Float32Array(sample.length);
    values.forEach((tv, b) => {
      const a = this.alphaProdAt(Math.round(tv));
      const sa = Math.fround(Math.sqrt(a));
      const sb = Math.fround(Math.sqrt(Math.fround(1 - a)));
      for (let i = b * itemSize; i < (b + 1) * itemSize; i++) out[i] = sa * (noise[i] as number) - sb * (sample[i] as number);
    });
    return out;
  }

  toConfig(): SchedulerConfigJson {
    return { _class_name: this.className, ...this.config };
  }
}
