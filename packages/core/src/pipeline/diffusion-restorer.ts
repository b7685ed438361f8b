/**
 * Stage I as a diffusion restorer: sample a face (in latent or pixel space) from noise, conditioned
 * on the low-quality input in two ways: (a) a condition encoder's multi-level features fed to the
 * UNet's condition inputs, and (b) training-free AdaIN alignment of every chosen step's x0 estimate
 * to the input's statistics.
 */
import { sample, type FunctionalSamplerName, type SchedulerConfig } from '@diffmac/scheduler';
import { DiffmacError } from '@diffmac/base';
import type { Parameterization } from '../bundle/manifest';
import type { InferenceSession } from '../inference/types';
import { decodeLatents } from '../vae/decode-latents';
import { encodeLatents } from '../vae/encode-latents';
import { adainGuidance } from './guidance';
import { eulerSigmas, samplerKind } from './schedule';
import { asNchw, clampInPlace, perItemNoise, type FloatTensor } from './tensor-ops';
import type { Restorer, StageContext } from './types';
import { conditionMap, createDenoiser, createUnetModel, encodeConditions, integerTimestep } from './unet-model';

/** Training-free alignment of Stage I (see {@link adainGuidance}). */
export interface AlignmentOptions {
  /** Step indices to align at (default: every step). */
  steps?: readonly number[];
  /** Per spatial window of this many latent (or pixel) cells, instead of per channel. */
  window?: number;
  /** 0 (off) to 1 (fully aligned; default). */
  strength?: number;
}

/** Options of {@link createDiffusionRestorer}. */
export interface DiffusionRestorerOptions {
  unet: InferenceSession;
  /** What the UNet predicts (default `'eps'`). */
  parameterization?: Parameterization;
  /** The `scheduler_config.json` the UNet was trained with (its betas). */
  schedulerConfig: SchedulerConfig;
  /** Latent diffusion: VAE encoder (for the alignment reference) and decoder. Absent: pixel diffusion. */
  vaeEncoder?: InferenceSession;
  vaeDecoder?: InferenceSession;
  /** VAE scaling factor (default 0.18215). */
  vaeScalingFactor?: number;
  /** Image pixels per latent cell (default 8). */
  latentFactor?: number;
  /** Learned condition: the condition encoder, and which of its outputs feeds which UNet input. */
  condEncoder?: InferenceSession;
  /** `{ unetInput: encoderOutput }` (default: paired by name, else in declaration order). */
  conditionInputs?: Readonly<Record<string, string>>;
  /** UNet input names in the order the bundle manifest lists them (default: the session's). */
  unetInputNames?: readonly string[];
  /** Text context (`encodePrompt`), batch 1; default zeros. */
  context?: FloatTensor;
  /** Inference steps (default 20). */
  steps?: number;
  /** A functional sampler (default `'euler'`). */
  sampler?: FunctionalSamplerName;
  /** Training-free AdaIN alignment (default on, every step); `false` turns it off. */
  alignment?: AlignmentOptions | false;
}

/** A diffusion restorer, with what it resolved. */
export interface DiffusionRestorer extends Restorer {
  readonly kind: 'diffusion';
  readonly space: 'latent' | 'pixel';
  readonly sigmas: Float32Array;
}

/**
 * Build a diffusion Stage I.
 *
 * @example
 * const stage1 = createDiffusionRestorer({ unet, schedulerConfig, vaeEncoder, vaeDecoder, condEncoder, steps: 20, alignment: { window: 16 } });
 * const restored = await stage1.restore(lq, ctx);
 */
export function createDiffusionRestorer(options: DiffusionRestorerOptions): DiffusionRestorer {
  const steps = options.steps ?? 20;
  const sampler = options.sampler ?? 'euler';
  if (samplerKind(sampler) !== 'functional') {
    throw new DiffmacError('UNSUPPORTED_SAMPLER', `Stage I samples with a functional sampler (for its x0 guidance); ${sampler} is a scheduler class`, {
      argument: 'sampler',
      expected: 'a functional sampler name (euler, dpmpp_2m, ...)',
      received: sampler,
    });
  }
  const { sigmas, alphasCumprod } = eulerSigmas(options.schedulerConfig, steps);
  const latent = options.vaeDecoder !== undefined;
  if (latent && options.vaeEncoder === undefined && options.alignment !== false) {
    throw new DiffmacError('INVALID_ARGUMENT', 'Latent alignment needs the VAE encoder (vaeEncoder) to encode the input', { argument: 'vaeEncoder', expected: 'an InferenceSession', received: 'undefined' });
  }
  const scalingFactor = options.vaeScalingFactor ?? 0.18215;
  const parameterization = options.parameterization ?? 'eps';
  const unetInputs = options.unetInputNames ?? options.unet.inputs.map((i) => i.name);
  const condMap = options.condEncoder ? (options.conditionInputs ?? conditionMap(unetInputs, options.condEncoder.outputs.map((o) => o.name))) : undefined;
  const sampleChannels = options.unet.inputs.find((i) => i.name === 'sample')?.shape[1];
  return {
    kind: 'diffusion',
    space: latent ? 'latent' : 'pixel',
    sigmas,
    async restore(faces: FloatTensor, ctx: StageContext): Promise<FloatTensor> {
      const lq = asNchw(faces, 'faces', 3);
      const [n, , h, w] = lq.shape;
      const signal = ctx.signal;
      const reference = latent && options.vaeEncoder
        ? (await encodeLatents(options.vaeEncoder, lq, { scalingFactor, ...(signal ? { signal } : {}) })) as FloatTensor
        : lq;
      const factor = latent ? (options.latentFactor ?? 8) : 1;
      if (h % factor !== 0 || w % factor !== 0) {
        throw new DiffmacError('INVALID_ARGUMENT', `Expected a face size that is a multiple of ${factor}, received ${w}×${h}`, { argument: 'faces', expected: `multiples of ${factor}`, received: `${w}×${h}` });
      }
      const channels = typeof sampleChannels === 'number' ? sampleChannels : latent ? reference.shape[1]! : 3;
      const shape = [n, channels, h / factor, w / factor];
      const conditions = options.condEncoder && condMap ? await encodeConditions(options.condEncoder, lq, condMap, signal) : undefined;
      const model = createUnetModel({
        session: options.unet,
        sampleShape: shape,
        ...(options.context ? { context: options.context } : {}),
        ...(conditions ? { conditions } : {}),
        ...(signal ? { signal } : {}),
      });
      let denoiser = createDenoiser(model, parameterization, alphasCumprod, integerTimestep(options.unet));
      if (options.alignment !== false) {
        const a = options.alignment ?? {};
        denoiser = adainGuidance(denoiser, {
          reference,
          shape,
          sigmas,
          ...(a.steps ? { steps: a.steps } : {}),
          ...(a.window !== undefined ? { window: a.window } : {}),
          ...(a.strength !== undefined ? { strength: a.strength } : {}),
        });
      }
      const noise = perItemNoise(ctx.itemRngs);
      const x = new Float32Array(shape.reduce((a, b) => a * b, 1));
      noise.normal(x);
      for (let i = 0; i < x.length; i++) x[i] = x[i]! * sigmas[0]!;
      const z0 = await sample(denoiser, x, sigmas, {
        sampler,
        rng: noise,
        ...(signal ? { signal } : {}),
        onStep: (e) => ctx.onProgress?.({ type: 'step', stage: 'restorer', index: e.index, total: e.total, sigma: e.sigmaNext }),
      });
      if (!latent) return clampInPlace({ data: z0, shape }, -1, 1);
      const decoded = await decodeLatents(options.vaeDecoder!, { data: z0, shape }, { scalingFactor, ...(signal ? { signal } : {}) });
      return clampInPlace({ data: decoded.data as Float32Array, shape: [...decoded.shape] }, -1, 1);
    },
  };
}
