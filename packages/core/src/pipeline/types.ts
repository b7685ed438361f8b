/**
 * The shapes of the restoration pipeline: Restorer (Stage I) → Bottleneck (MIB) → Refiner
 * (Stage II) → colour fix, on aligned faces as float32 `[N, 3, H, W]` tensors in [-1, 1].
 */
import type { Rng } from '@diffmac/base';
import type { FloatTensor } from './tensor-ops';

/** The stages of a pipeline run, in order. */
export type PipelineStage = 'restorer' | 'identity' | 'bottleneck' | 'refiner' | 'colour-fix';

/** Progress of a pipeline run (a discriminated union on `type`). */
export type PipelineEvent =
  | { readonly type: 'stage-start'; readonly stage: PipelineStage; readonly batch: number }
  | { readonly type: 'stage-done'; readonly stage: PipelineStage; readonly ms: number }
  | {
      readonly type: 'step';
      /** Which diffusion stage is sampling. */
      readonly stage: 'restorer' | 'refiner';
      /** Step number from 0, and the number of steps. */
      readonly index: number;
      readonly total: number;
      /** Noise level the step reached (VE sigma; 0 at the end). */
      readonly sigma: number;
    };

/** What every stage is given. */
export interface StageContext {
  /** This stage's noise: one labelled stream per batch item, filled slice by slice. */
  readonly rng: Rng;
  /** One stream per batch item (the stage's fork of each face's seed). */
  readonly itemRngs: readonly Rng[];
  /** The low-quality input the pipeline was given, `[N, 3, H, W]` in [-1, 1]. */
  readonly lq: FloatTensor;
  readonly signal?: AbortSignal;
  readonly onProgress?: (event: PipelineEvent) => void;
}

/**
 * Stage I, or a whole method: aligned faces in, restored faces out, both `[N, 3, H, W]` in [-1, 1]
 * of the same size.
 *
 * @example
 * const identity: Restorer = { kind: 'identity', restore: async (x) => x };
 */
export interface Restorer {
  readonly kind: string;
  restore(faces: FloatTensor, ctx: StageContext): Promise<FloatTensor>;
  /** Free the sessions it owns. */
  dispose?(): Promise<void>;
}

/** What a refiner is told besides the stage context. */
export interface RefineContext extends StageContext {
  /** The Stage-I output the refiner may condition on, `[N, 3, H, W]` in [-1, 1]. */
  readonly stage1: FloatTensor;
  /**
   * Set when the bottleneck already diffused the representation to this training timestep (the
   * Gaussian channel): the refiner continues sampling from there instead of adding noise.
   */
  readonly timestep?: number;
}

/**
 * Stage II: encodes a face into the space its diffusion runs in (latent or pixel), and refines a
 * (compressed) representation back into a face.
 *
 * @example
 * const z = await refiner.encode(stage1, ctx);
 * const face = await refiner.refine(z, { ...ctx, stage1 });
 */
export interface Refiner {
  readonly kind: string;
  /** Where the diffusion runs. */
  readonly space: 'latent' | 'pixel';
  /** The training schedule ᾱ (for a Gaussian channel that must share it). */
  readonly alphasCumprod: Float32Array;
  encode(faces: FloatTensor, ctx: StageContext): Promise<FloatTensor>;
  refine(z: FloatTensor, ctx: RefineContext): Promise<FloatTensor>;
  dispose?(): Promise<void>;
}
