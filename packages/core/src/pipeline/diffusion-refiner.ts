/**
 * Stage II: a diffusion pass from the compressed manifold with any sampler of @diffmac/scheduler
 * (a functional sampler name or a diffusers scheduler class), with strength, steps, classifier-free
 * guidance and an optional condition encoder (DiffBIR-style control from the Stage-I face).
 */
import { createScheduler, sample, type SchedulerConfig } from '@diffmac/scheduler';
import { DiffmacError } from '@diffmac/base';
import type { Parameterization } from '../bundle/manifest';
import type { InferenceSession } from '../inference/types';
import { decodeLatents } from '../vae/decode-latents';
import { encodeLatents } from '../vae/encode-latents';
import { eulerSigmas, img2imgStart, samplerKind, sigmaOfTimestep, type PipelineSampler } from './schedule';
import { asNchw, clampInPlace, clampTensor, perItemNoise, type FloatTensor } from './tensor-ops';
import type { RefineContext, Refiner, StageContext } from './types';
import { conditionMap, createDenoiser, createUnetModel, encodeConditions, integerTimestep, predictionType } from './unet-model';

/** Options of {@link createDiffusionRefiner}. */
export interface DiffusionRefinerOptions {
  unet: InferenceSession;
  /** What the UNet predicts (default `'eps'`). */
  parameterization?: Parameterization;
  schedulerConfig: SchedulerConfig;
  /** Latent diffusion: the VAE (both needed). Absent: pixel diffusion. */
  vaeEncoder?: InferenceSession;
  vaeDecoder?: InferenceSession;
  /** Default 0.18215. */
  vaeScalingFactor?: number;
  /** Condition encoder run on the Stage-I face for UNets with condition inputs. */
  condEncoder?: InferenceSession;
  conditionInputs?: Readonly<Record<string, string>>;
  unetInputNames?: readonly string[];
  /** Prompt context (`encodePrompt`), batch 1. */
  context?: FloatTensor;
  /** Negative prompt context, for `guidanceScale > 1`. */
  uncondContext?: FloatTensor;
  /** Classifier-free guidance scale (default 1: off). */
  guidanceScale?: number;
  /** Inference steps over the whole schedule (default 20). */
  steps?: number;
  /** How much of the schedule to run when the bottleneck did not diffuse (img2img strength, default 0.5). */
  strength?: number;
  /** A functional sampler (`euler`, `dpmpp_2m`, ...) or a diffusers class (`DDIMScheduler`, ...); default `'euler'`. */
  sampler?: PipelineSampler;
  /** Called with each UNet run's wall time (benchmarks). */
  onRun?: (ms: number) => void;
}

/** A diffusion refiner. */
export interface DiffusionRefiner extends Refiner {
  readonly kind: 'diffusion';
}

/**
 * Build a diffusion Stage II. `refine` starts from `z` noised to the strength's timestep (or, after
 * a Gaussian channel, from `z` as it is at the channel's timestep) and samples to 0.
 *
 * @example
 * const stage2 = createDiffusionRefiner({ unet, schedulerConfig, vaeEncoder, vaeDecoder, sampler: 'dpmpp_2m', steps: 20, strength: 0.4 });
 * const face = await stage2.refine(await stage2.encode(stage1, ctx), { ...ctx, stage1 });
 */
export function createDiffusionRefiner(options: DiffusionRefinerOptions): DiffusionRefiner {
  const steps = options.steps ?? 20;
  const strength = options.strength ?? 0.5;
  const sampler = options.sampler ?? 'euler';
  const kind = samplerKind(sampler);
  img2imgStart(steps, strength); // validates strength
  if (options.guidanceScale !== undefined && !(Number.isFinite(options.guidanceScale) && options.guidanceScale >= 0)) {
    throw new DiffmacError('INVALID_ARGUMENT', `Expected a finite number >= 0 for guidanceScale, received ${String(options.guidanceScale)}`, {
      argument: 'guidanceScale',
      expected: 'a finite number >= 0',
      received: String(options.guidanceScale),
    });
  }
  const latent = options.vaeDecoder !== undefined;
  if (latent !== (options.vaeEncoder !== undefined)) {
    throw new DiffmacError('INVALID_ARGUMENT', 'A latent refiner needs both vaeEncoder and vaeDecoder', { argument: latent ? 'vaeEncoder' : 'vaeDecoder', expected: 'an InferenceSession', received: 'undefined' });
  }
  const scalingFactor = options.vaeScalingFactor ?? 0.18215;
  const parameterization = options.parameterization ?? 'eps';
  const { sigmas, alphasCumprod } = eulerSigmas(options.schedulerConfig, steps);
  const unetInputs = options.unetInputNames ?? options.unet.inputs.map((i) => i.name);
  const condMap = options.condEncoder ? (options.conditionInputs ?? conditionMap(unetInputs, options.condEncoder.outputs.map((o) => o.name))) : undefined;

  async function decode(z: FloatTensor, signal?: AbortSignal): Promise<FloatTensor> {
    if (!latent) return clampTensor(z, -1, 1);
    const decoded = await decodeLatents(options.vaeDecoder!, z, { scalingFactor, ...(signal ? { signal } : {}) });
    return clampInPlace({ data: decoded.data as Float32Array, shape: [...decoded.shape] }, -1, 1);
  }

  return {
    kind: 'diffusion',
    space: latent ? 'latent' : 'pixel',
    alphasCumprod,
    async encode(faces: FloatTensor, ctx: StageContext): Promise<FloatTensor> {
      const x = asNchw(faces, 'faces', 3);
      if (!latent) return { data: Float32Array.from(x.data), shape: [...x.shape] };
      return (await encodeLatents(options.vaeEncoder!, x, { scalingFactor, ...(ctx.signal ? { signal: ctx.signal } : {}) })) as FloatTensor;
    },
    async refine(z: FloatTensor, ctx: RefineContext): Promise<FloatTensor> {
      const zt = asNchw(z, 'z');
      const shape = [...zt.shape];
      const signal = ctx.signal;
      const noise = perItemNoise(ctx.itemRngs);
      const conditions = options.condEncoder && condMap ? await encodeConditions(options.condEncoder, ctx.stage1, condMap, signal) : undefined;
      const model = createUnetModel({
        session: options.unet,
        sampleShape: shape,
        ...(options.context ? { context: options.context } : {}),
        ...(options.uncondContext ? { uncondContext: options.uncondContext } : {}),
        ...(options.guidanceScale !== undefined ? { guidanceScale: options.guidanceScale } : {}),
        ...(conditions ? { conditions } : {}),
        ...(signal ? { signal } : {}),
        ...(options.onRun ? { onRun: options.onRun } : {}),
      });
      const progress = (index: number, total: number, sigma: number) => ctx.onProgress?.({ type: 'step', stage: 'refiner', index, total, sigma });

      if (kind === 'functional') {
        let walk: Float32Array;
        let x: Float32Array;
        if (ctx.timestep !== undefined) {
          // x_t = sqrt(ab)·x0 + sqrt(1-ab)·eps (VP) → VE: x_t / sqrt(ab), at sigma_t.
          const sigmaT = sigmaOfTimestep(alphasCumprod, ctx.timestep);
          const rest = sigmas.filter((s) => s < sigmaT);
          walk = Float32Array.from([sigmaT, ...rest]);
          const scale = Math.sqrt(1 + sigmaT * sigmaT);
          x = Float32Array.from(zt.data, (v) => v * scale);
        } else {
          const start = img2imgStart(steps, strength);
          if (start >= steps) return decode(zt, signal);
          walk = sigmas.slice(start);
          x = new Float32Array(zt.data.length);
          noise.normal(x);
          for (let i = 0; i < x.length; i++) x[i] = zt.data[i]! + x[i]! * walk[0]!;
        }
        const denoiser = createDenoiser(model, parameterization, alphasCumprod, integerTimestep(options.unet));
        const out = await sample(denoiser, x, walk, {
          sampler: sampler as never,
          rng: noise,
          ...(signal ? { signal } : {}),
          onStep: (e) => progress(e.index, e.total, e.sigmaNext),
        });
        return decode({ data: out, shape }, signal);
      }

      // A diffusers scheduler class: diffusers' img2img loop.
      const scheduler = createScheduler(sampler, { ...options.schedulerConfig, prediction_type: predictionType(parameterization) });
      scheduler.setTimesteps(steps);
      const ts = Array.from(scheduler.timesteps);
      let first: number;
      let x: Float32Array;
      if (ctx.timestep !== undefined) {
        // Continue from the channel's x_t at the first scheduled timestep at or below it.
        first = ts.findIndex((t) => t <= ctx.timestep! + 1e-6);
        if (first < 0) return decode(zt, signal);
        const t0 = ts[first]!;
        // The class's sample convention at t0 is c·x0 + ... with c = addNoise(1, 0, t0): VP (c = sqrt(ab)) or VE (c = 1).
        const c = scheduler.addNoise(Float32Array.of(1), Float32Array.of(0), t0)[0]!;
        const ab = alphasCumprod[Math.round(ctx.timestep)]!;
        const k = c / Math.sqrt(ab);
        x = Float32Array.from(zt.data, (v) => v * k);
      } else {
        const start = img2imgStart(steps, strength) * scheduler.order;
        if (start >= ts.length) return decode(zt, signal);
        first = start;
        const eps = new Float32Array(zt.data.length);
        noise.normal(eps);
        x = scheduler.addNoise(zt.data, eps, ts[first]!);
      }
      const pred = new Float32Array(x.length);
      const total = ts.length - first;
      for (let i = first; i < ts.length; i++) {
        signal?.throwIfAborted();
        const t = ts[i]!;
        await model(scheduler.scaleModelInput(x, t), t, pred);
        x = scheduler.step(pred, t, x, { rng: noise }).prevSample;
        progress(i - first, total, 0);
      }
      return decode({ data: x, shape }, signal);
    },
  };
}
