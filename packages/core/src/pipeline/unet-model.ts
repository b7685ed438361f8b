/**
 * A diffusers-convention UNet session as a model function `(input, t, out)`: feeds the sample, the
 * timestep in the dtype the model declares, the text context, any condition features, and
 * classifier-free guidance over a doubled batch.
 */
import { modelDenoiser, type Denoiser, type DiffusionModel, type PredictionType } from '@diffmac/scheduler';
import { DiffmacError } from '@diffmac/base';
import type { Parameterization } from '../bundle/manifest';
import type { InferenceSession, Tensor, TensorSignature } from '../inference/types';
import { formatShape } from '../tensor/shape';
import { repeatBatch, type FloatTensor } from './tensor-ops';

/** The UNet inputs every diffusers backbone has; any other input is a condition input. */
export const UNET_BASE_INPUTS: readonly string[] = ['sample', 'timestep', 'encoder_hidden_states'];

/** Options of {@link createUnetModel}. */
export interface UnetModelOptions {
  session: InferenceSession;
  /** Shape of the sample the sampler walks, `[N, C, H, W]`. */
  sampleShape: readonly number[];
  /** `encoder_hidden_states` of the prompt, batch 1 or N (default: zeros `[1, 1, D]` when the model has the input). */
  context?: FloatTensor;
  /** `encoder_hidden_states` of the negative prompt, for classifier-free guidance. */
  uncondContext?: FloatTensor;
  /** Guidance scale (default 1: no guidance; above 1 needs `uncondContext`). */
  guidanceScale?: number;
  /** Condition inputs by UNet input name (batch N), e.g. a condition encoder's features. */
  conditions?: Readonly<Record<string, FloatTensor>>;
  signal?: AbortSignal;
  /** Called after every model evaluation with its wall time (benchmarks). */
  onRun?: (ms: number) => void;
}

function zerosContext(session: InferenceSession): FloatTensor | undefined {
  const sig = session.inputs.find((i) => i.name === 'encoder_hidden_states');
  if (!sig) return undefined;
  const d = sig.shape[2];
  const l = sig.shape[1];
  if (typeof d !== 'number') {
    throw new DiffmacError('PIPELINE_NEEDS_CONTEXT', 'The UNet does not fix the width of encoder_hidden_states: pass options.context (encodePrompt)', {
      argument: 'options.context',
      expected: 'encoder_hidden_states [batch, sequence, width]',
      received: formatShape(sig.shape.map((s) => (typeof s === 'number' ? s : null))),
    });
  }
  const length = typeof l === 'number' ? l : 1;
  return { data: new Float32Array(length * d), shape: [1, length, d] };
}

function timestepTensor(sig: TensorSignature | undefined, t: number): Tensor {
  const shape = sig?.shape.length === 0 ? [] : [1];
  if (sig?.dtype === 'int64') return { data: BigInt64Array.of(BigInt(Math.round(t))), shape, dtype: 'int64' };
  if (sig?.dtype === 'int32') return { data: Int32Array.of(Math.round(t)), shape, dtype: 'int32' };
  if (sig?.dtype === 'float64') return { data: Float64Array.of(t), shape, dtype: 'float64' };
  return { data: Float32Array.of(t), shape, dtype: 'float32' };
}

/**
 * Whether the UNet's timestep input is an integer (then samplers quantise sigma to the nearest
 * training timestep, as k-diffusion's `quantize=True`).
 *
 * @example
 * const mode = integerTimestep(unet) ? 'nearest' : 'interpolate';
 */
export function integerTimestep(session: InferenceSession): boolean {
  const dtype = session.inputs.find((i) => i.name === 'timestep')?.dtype;
  return dtype === 'int64' || dtype === 'int32';
}

/**
 * Wrap a UNet session as a diffusers-convention model function (VP-scaled input, timestep `t`),
 * with classifier-free guidance `u + g·(c − u)` when `guidanceScale > 1`.
 *
 * @example
 * const model = createUnetModel({ session: unet, sampleShape: [1, 4, 64, 64], context, uncondContext, guidanceScale: 4 });
 * const eps = await model(latent, 981, new Float32Array(latent.length));
 */
export function createUnetModel(options: UnetModelOptions): DiffusionModel {
  const { session, sampleShape } = options;
  const n = sampleShape[0]!;
  const per = sampleShape.slice(1).reduce((a, b) => a * b, 1);
  const scale = options.guidanceScale ?? 1;
  if (!Number.isFinite(scale) || scale < 0) {
    throw new DiffmacError('INVALID_ARGUMENT', `Expected a finite number >= 0 for guidanceScale, received ${String(scale)}`, { argument: 'guidanceScale', expected: 'a finite number >= 0', received: String(scale) });
  }
  const hasContext = session.inputs.some((i) => i.name === 'encoder_hidden_states');
  const cfg = scale !== 1 && options.uncondContext !== undefined && hasContext;
  if (scale !== 1 && hasContext && options.uncondContext === undefined) {
    throw new DiffmacError('PIPELINE_NEEDS_CONTEXT', 'A guidance scale other than 1 needs the negative prompt context (uncondContext)', {
      argument: 'uncondContext',
      expected: 'encoder_hidden_states of the negative prompt',
      received: 'undefined',
    });
  }
  const timestepSig = session.inputs.find((i) => i.name === 'timestep');
  const context = hasContext ? repeatBatch(options.context ?? zerosContext(session)!, n, 'context') : undefined;
  const uncond = cfg ? repeatBatch(options.uncondContext!, n, 'uncondContext') : undefined;
  const conditions = options.conditions ?? {};
  for (const name of Object.keys(conditions)) {
    if (!session.inputs.some((i) => i.name === name)) {
      const valid = session.inputs.map((i) => i.name).join(', ');
      throw new DiffmacError('PIPELINE_CONDITION_MISMATCH', `The UNet has no input ${JSON.stringify(name)}; its inputs are ${valid}`, { argument: 'conditions', expected: valid, received: name });
    }
  }
  const feedsBase: Record<string, Tensor> = {};
  if (cfg) {
    const both = new Float32Array(context!.data.length * 2);
    both.set(uncond!.data, 0);
    both.set(context!.data, uncond!.data.length);
    feedsBase.encoder_hidden_states = { data: both, shape: [2 * n, ...context!.shape.slice(1)] };
    for (const [name, c] of Object.entries(conditions)) {
      const doubled = new Float32Array(c.data.length * 2);
      doubled.set(c.data, 0);
      doubled.set(c.data, c.data.length);
      feedsBase[name] = { data: doubled, shape: [2 * n, ...c.shape.slice(1)] };
    }
  } else {
    if (context) feedsBase.encoder_hidden_states = context;
    for (const [name, c] of Object.entries(conditions)) feedsBase[name] = c;
  }
  const missing = session.inputs.filter((i) => i.name !== 'sample' && i.name !== 'timestep' && feedsBase[i.name] === undefined);
  if (missing.length > 0) {
    throw new DiffmacError('PIPELINE_CONDITION_MISMATCH', `No value for the UNet input(s) ${missing.map((m) => m.name).join(', ')}: pass a condition encoder or options.conditions`, {
      argument: 'conditions',
      expected: missing.map((m) => m.name).join(', '),
      received: Object.keys(conditions).join(', ') || 'none',
    });
  }
  const doubledSample = cfg ? new Float32Array(2 * n * per) : undefined;
  return async (input, t, out) => {
    let sample: Float32Array = input;
    if (doubledSample) {
      doubledSample.set(input, 0);
      doubledSample.set(input, input.length);
      sample = doubledSample;
    }
    const feeds: Record<string, Tensor> = { ...feedsBase, sample: { data: sample, shape: [cfg ? 2 * n : n, ...sampleShape.slice(1)] }, timestep: timestepTensor(timestepSig, t) };
    const started = options.onRun ? performance.now() : 0;
    const result = await session.run(feeds, options.signal ? { signal: options.signal } : {});
    if (options.onRun) options.onRun(performance.now() - started);
    const raw = result.out_sample ?? Object.values(result)[0];
    if (!raw || !(raw.data instanceof Float32Array) || raw.data.length !== sample.length) {
      throw new DiffmacError('PIPELINE_MODEL_OUTPUT', `Expected the UNet to return float32 ${sample.length} values, received ${raw ? formatShape(raw.shape) : 'nothing'}`, {
        argument: 'out_sample',
        expected: `float32 [${cfg ? 2 * n : n}, ${sampleShape.slice(1).join(', ')}]`,
        received: raw ? formatShape(raw.shape) : 'nothing',
      });
    }
    const pred = raw.data;
    if (!cfg) {
      out.set(pred);
      return;
    }
    const half = input.length;
    for (let i = 0; i < half; i++) {
      const u = pred[i]!;
      out[i] = u + scale * (pred[half + i]! - u);
    }
  };
}

/**
 * The scheduler's prediction type of a bundle parameterisation.
 *
 * @example
 * predictionType('v'); // 'v_prediction'
 */
export function predictionType(parameterization: Parameterization): PredictionType {
  return parameterization === 'v' ? 'v_prediction' : parameterization === 'x0' ? 'sample' : 'epsilon';
}

/**
 * The k-diffusion denoiser of a model that predicts eps, v or x0 (the bundle's parameterisation),
 * quantising sigma to integer timesteps when the UNet takes an integer timestep.
 *
 * @example
 * const denoiser = createDenoiser(model, 'eps', scheduler.alphasCumprod, integerTimestep(unet));
 */
export function createDenoiser(model: DiffusionModel, parameterization: Parameterization, alphasCumprod: Float32Array, integer = true): Denoiser {
  return modelDenoiser(model, { prediction: predictionType(parameterization), alphasCumprod, timestep: integer ? 'nearest' : 'interpolate' });
}

/**
 * Pair a condition encoder's outputs with the UNet's condition inputs: by equal names first, else in
 * declaration order (the order the bundle manifest lists them). Returns `{ unetInput: encoderOutput }`.
 *
 * @example
 * conditionMap(['sample', 'timestep', 'encoder_hidden_states', 'cond_feature_0'], ['features_0']); // { cond_feature_0: 'features_0' }
 */
export function conditionMap(unetInputs: readonly string[], encoderOutputs: readonly string[]): Record<string, string> {
  const extra = unetInputs.filter((n) => !UNET_BASE_INPUTS.includes(n));
  if (extra.every((n) => encoderOutputs.includes(n))) return Object.fromEntries(extra.map((n) => [n, n]));
  if (extra.length !== encoderOutputs.length) {
    throw new DiffmacError('PIPELINE_CONDITION_MISMATCH', `The UNet takes ${extra.length} condition input(s) (${extra.join(', ')}) but the condition encoder gives ${encoderOutputs.length} (${encoderOutputs.join(', ')})`, {
      argument: 'condEncoder',
      expected: extra.join(', '),
      received: encoderOutputs.join(', '),
    });
  }
  return Object.fromEntries(extra.map((n, i) => [n, encoderOutputs[i]!]));
}

/**
 * Run a condition encoder on `image` (`[N, 3, H, W]` in [-1, 1]) and return its features keyed by
 * the UNet inputs they feed.
 *
 * @example
 * const conditions = await encodeConditions(condEncoder, lq, { cond_feature_0: 'features_0' });
 */
export async function encodeConditions(session: InferenceSession, image: FloatTensor, map: Readonly<Record<string, string>>, signal?: AbortSignal): Promise<Record<string, FloatTensor>> {
  const inputName = session.inputs[0]?.name ?? 'lq';
  const out = await session.run({ [inputName]: image }, signal ? { signal } : {});
  const result: Record<string, FloatTensor> = {};
  for (const [unetInput, output] of Object.entries(map)) {
    const t = out[output];
    if (!t || !(t.data instanceof Float32Array)) {
      throw new DiffmacError('PIPELINE_CONDITION_MISMATCH', `The condition encoder returned no float32 ${JSON.stringify(output)}`, { argument: 'condEncoder', expected: output, received: Object.keys(out).join(', ') });
    }
    result[unetInput] = { data: t.data, shape: [...t.shape] };
  }
  return result;
}
