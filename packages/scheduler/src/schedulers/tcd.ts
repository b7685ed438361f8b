/**
 * TCDScheduler (trajectory consistency distillation), step for step as diffusers: strategic
 * stochastic sampling with `eta` (default 0.3): jump to `s = floor((1-eta)·prev_t)`, then re-noise
 * to `prev_t` with fresh noise except on the last step.
 */
import { configBoolean, configNumber, configString } from '../config';
import { SchedulerError } from '../errors';
import { vpCombine } from '../maths/prediction';
import type { ResolvedConfig, StepOptions, StepResult } from '../types';
import { checkNonNegative, missingRng, throwIfNotFinite } from '../validate';
import { BaseScheduler } from './base';
import { consistencyTimesteps } from './lcm';

/**
 * Trajectory consistency distillation sampling.
 *
 * @example
 * const s = createScheduler('TCDScheduler', {});
 * s.setTimesteps(4);
 * x = s.step(eps, s.timesteps[0], x, { eta: 0.3, rng: createRng(0) }).prevSample;
 */
export class TCDScheduler extends BaseScheduler {
  readonly order = 1;
  private readonly finalAlphaCumprod: number;

  constructor(config: ResolvedConfig) {
    super('TCDScheduler', config);
    this.finalAlphaCumprod = configBoolean(config, 'set_alpha_to_one') ? 1 : (this.schedule.alphasCumprod[0] as number);
  }

  override get stochastic(): boolean {
    return true;
  }

  setTimesteps(numInferenceSteps: number): void {
    this.timesteps = consistencyTimesteps(this.numTrainTimesteps, configNumber(this.config, 'original_inference_steps'), numInferenceSteps, this.className);
    this.numInferenceSteps = numInferenceSteps;
    this.stepIndex = undefined;
  }

  step(modelOutput: Float32Array, t: number, sample: Float32Array, options: StepOptions = {}): StepResult {
    this.checkStepShapes(modelOutput, t, sample);
    checkNonNegative('options.eta', options.eta);
    const eta = options.eta ?? 0.3;
    if (eta > 1) throw new SchedulerError('INVALID_ARGUMENT', `Expected a number in [0, 1] for options.eta, received ${eta}`, { argument: 'options.eta', expected: 'a number in [0, 1]', received: String(eta) });
    const f = Math.fround;
    const i = this.resolveStepIndex(t);
    const prevT = i + 1 < this.timesteps.length ? (this.timesteps[i + 1] as number) : 0;
    const s = Math.floor(f(f(1 - eta) * prevT));
    const alphaProd = this.alphaProdAt(t);
    const alphaPrev = prevT >= 0 ? this.alphaProdAt(prevT, 'prev_timestep') : this.finalAlphaCumprod;
    const alphaS = this.alphaProdAt(s, 'timestep_s');
    const n = sample.length;
    const sa = f(Math.sqrt(alphaS));
    const sb = f(Math.sqrt(f(1 - alphaS)));
    const pns = this.outputBuffer('noised', n, options, [sample, modelOutput]);
    throwIfNotFinite(vpCombine(configString(this.config, 'prediction_type'), modelOutput, sample, alphaProd, Infinity, sa, sb, 0, null, pns), { sample, modelOutput });
    let prev = pns;
    if (eta > 0 && i !== (this.numInferenceSteps as number) - 1) {
      if (!options.rng) throw missingRng(this.className);
      const noise = this.workBuffer('noise', n);
      options.rng.normal(noise);
      const ratio = f(alphaPrev / alphaS);
      const a = f(Math.sqrt(ratio));
      const b = f(Math.sqrt(f(1 - ratio)));
      prev = this.outputBuffer('prev', n, options, [sample, modelOutput]);
      for (let k = 0; k < n; k++) prev[k] = a * (pns[k] as number) + b * (noise[k] as number);
    } else if (options.out) {
      prev = this.outputBuffer('prev', n, options, [sample, modelOutput]);
      prev.set(pns);
    }
    this.stepIndex = i + 1;
    return { prevSample: prev, predNoisedSample: pns };
  }
}
