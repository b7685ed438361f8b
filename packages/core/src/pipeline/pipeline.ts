/**
 * The restoration pipeline: Restorer (Stage I) → Bottleneck (MIB) → Refiner (Stage II) → colour
 * fix, on aligned faces. Every stage is swappable; presets build the known methods from a bundle.
 */
import type { Bottleneck, CompressResult } from '@diffmac/mib';
import { type ColorImage, createRng, DiffmacError, invalidArgument, type RasterImage, type Rng } from '@diffmac/base';
import { colourFix, type ColourFixKind } from '../colour/colour-fix';
import type { Tensor } from '../inference/types';
import { imagesToTensor, tensorToImages } from '../tensor/image-tensor';
import { signedToUnit, unitToSigned } from '../tensor/range';
import { asNchw, perItemNoise, type FloatTensor } from './tensor-ops';
import type { PipelineEvent, PipelineStage, Refiner, Restorer, StageContext } from './types';

/** Embeds faces (`[N, 3, H, W]` in [-1, 1]) into identity vectors `[N, dim]` for a bottleneck that takes one. */
export type IdentityFunction = (faces: FloatTensor, ctx: { signal?: AbortSignal }) => Promise<FloatTensor>;

/** Options of {@link createPipeline}: the stages. Leave one out to skip it. */
export interface PipelineOptions {
  /** Stage I (default: none, the input goes on as it is). */
  restorer?: Restorer;
  /** The bottleneck between the stages (default: none). */
  bottleneck?: Bottleneck;
  /** Stage II (default: none). */
  refiner?: Refiner;
  /** Colour fix against `colourReference` (default `'none'`). */
  colourFix?: ColourFixKind;
  /** What the colour fix matches: the low-quality input (default) or the Stage-I output. */
  colourReference?: 'input' | 'stage1';
  /** Identity embeddings for a bottleneck whose `identity` is `'required'` (or `'optional'`). */
  identity?: IdentityFunction;
  /** Bottleneck temperature β (default 1). */
  temperature?: number;
  /** Sessions or other resources freed by `dispose()` besides the stages' own. */
  onDispose?: () => Promise<void>;
  /** A name for summaries (default: the stage kinds joined). */
  name?: string;
}

/** Per-run options. */
export interface PipelineRunOptions {
  /** Seed of every face's noise (default 0). Face i of a batch uses seed `seed + i` unless `seeds` is given. */
  seed?: number;
  /** One seed per face (overrides `seed`), so a face restores the same in any batch. */
  seeds?: readonly number[];
  signal?: AbortSignal;
  onProgress?: (event: PipelineEvent) => void;
}

/** What a run returns. */
export interface PipelineResult {
  /** The restored faces, `[N, 3, H, W]` in [-1, 1]. */
  readonly image: FloatTensor;
  /** The Stage-I output (the input when there is no restorer). */
  readonly stage1: FloatTensor;
  /** The bottleneck's result, when there is one. */
  readonly compressed: CompressResult | undefined;
  /** Wall time per stage in ms, and in total. */
  readonly timings: Readonly<Partial<Record<PipelineStage, number>>> & { readonly total: number };
  /** The seed each face used. */
  readonly seeds: readonly number[];
}

/** A composed pipeline. */
export interface Pipeline {
  readonly name: string;
  readonly restorer: Restorer | undefined;
  readonly bottleneck: Bottleneck | undefined;
  readonly refiner: Refiner | undefined;
  readonly colourFix: ColourFixKind;
  /** Whether `dispose()` ran (explicitly, or because a run was aborted). */
  readonly disposed: boolean;
  /** Restore `[N, 3, H, W]` faces in [-1, 1]. An aborted run frees every session and rejects. */
  run(faces: Tensor, options?: PipelineRunOptions): Promise<PipelineResult>;
  /** Restore aligned face images of one size (grey/RGB(A), 8/16-bit or float; alpha dropped); returns 8-bit RGB images. */
  restoreImages(faces: readonly RasterImage[], options?: PipelineRunOptions): Promise<{ images: ColorImage<Uint8Array>[]; result: PipelineResult }>;
  /** Free every session the stages own. */
  dispose(): Promise<void>;
}

function toUnit(t: FloatTensor): FloatTensor {
  return { data: signedToUnit(t.data, { clamp: true }), shape: [...t.shape] };
}

/**
 * Compose a pipeline from stages. Each stage is optional; noise comes from per-face seeded streams
 * (`stage1`, `mib`, `stage2` forks), so the same seed gives the same bytes.
 *
 * @example
 * const pipeline = createPipeline({ restorer: stage1, bottleneck: createGaussianChannel({ alphasCumprod, timestep: 300 }), refiner: stage2, colourFix: 'wavelet' });
 * const { image } = await pipeline.run(lq, { seed: 42 });
 */
export function createPipeline(options: PipelineOptions): Pipeline {
  if (options === null || typeof options !== 'object') invalidArgument('options', 'an object of stages', options);
  const fix = options.colourFix ?? 'none';
  if (!['adain', 'wavelet', 'none'].includes(fix)) invalidArgument('options.colourFix', "'adain', 'wavelet' or 'none'", fix);
  const { restorer, bottleneck, refiner } = options;
  if (bottleneck && bottleneck.identity === 'required' && !options.identity) {
    throw new DiffmacError('PIPELINE_NEEDS_IDENTITY', `The ${bottleneck.kind} bottleneck needs an identity embedding: pass options.identity`, {
      argument: 'options.identity',
      expected: 'a function faces → [N, dim] embeddings',
      received: 'undefined',
    });
  }
  const name = options.name ?? [restorer?.kind ?? 'none', bottleneck?.kind ?? 'none', refiner?.kind ?? 'none'].join('→');
  let disposed = false;
  let disposing: Promise<void> | undefined;

  const dispose = (): Promise<void> => {
    disposing ??= (async () => {
      disposed = true;
      const errors: unknown[] = [];
      for (const f of [restorer?.dispose?.bind(restorer), refiner?.dispose?.bind(refiner), options.onDispose]) {
        if (!f) continue;
        try {
          await f();
        } catch (error) {
          errors.push(error);
        }
      }
      if (errors.length > 0) throw errors[0];
    })();
    return disposing;
  };

  const run = async (faces: Tensor, runOptions: PipelineRunOptions = {}): Promise<PipelineResult> => {
    if (disposed) throw new DiffmacError('PIPELINE_DISPOSED', 'This pipeline was disposed (explicitly or by an aborted run); create a new one', { argument: 'pipeline' });
    const lq = asNchw(faces, 'faces', 3);
    const n = lq.shape[0];
    const seeds = runOptions.seeds ? [...runOptions.seeds] : Array.from({ length: n }, (_, i) => (runOptions.seed ?? 0) + i);
    if (seeds.length !== n || !seeds.every((s) => Number.isSafeInteger(s))) invalidArgument('options.seeds', `${n} integer seeds`, runOptions.seeds);
    const { signal, onProgress } = runOptions;
    const faceRngs = seeds.map((s) => createRng(s));
    const stageCtx = (label: string): StageContext => {
      const itemRngs: Rng[] = faceRngs.map((r) => r.fork(label));
      return { rng: itemRngs[0]!, itemRngs, lq, ...(signal ? { signal } : {}), ...(onProgress ? { onProgress } : {}) };
    };
    const timings: Partial<Record<PipelineStage, number>> = {};
    const started = performance.now();
    const timed = async <T>(stage: PipelineStage, f: () => Promise<T>): Promise<T> => {
      signal?.throwIfAborted();
      onProgress?.({ type: 'stage-start', stage, batch: n });
      const t0 = performance.now();
      const value = await f();
      signal?.throwIfAborted();
      const ms = performance.now() - t0;
      timings[stage] = ms;
      onProgress?.({ type: 'stage-done', stage, ms });
      return value;
    };
    try {
      const stage1 = restorer ? await timed('restorer', () => restorer.restore(lq, stageCtx('stage1'))) : lq;
      let current: FloatTensor = stage1;
      let compressed: CompressResult | undefined;
      if (refiner) current = await refiner.encode(stage1, stageCtx('stage2-encode'));
      if (bottleneck) {
        const identity = options.identity && bottleneck.identity !== 'none' ? await timed('identity', () => options.identity!(stage1, signal ? { signal } : {})) : undefined;
        const ctx = stageCtx('mib');
        compressed = await timed('bottleneck', () =>
          bottleneck.compress(current, {
            rng: perItemNoise(ctx.itemRngs),
            ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
            ...(identity ? { identity } : {}),
            ...(signal ? { signal } : {}),
          }),
        );
        current = compressed.z;
      }
      let restored: FloatTensor = current;
      if (refiner) {
        const timestep = compressed && 'timestep' in compressed && typeof compressed.timestep === 'number' ? compressed.timestep : undefined;
        const ctx = stageCtx('stage2');
        restored = await timed('refiner', () => refiner.refine(current, { ...ctx, stage1, ...(timestep !== undefined ? { timestep } : {}) }));
      } else if (bottleneck && restored.shape[1] !== 3) {
        throw new DiffmacError('PIPELINE_NEEDS_REFINER', 'A bottleneck without a refiner must work on the face pixels; this one returned latents', { argument: 'options.refiner' });
      }
      let image = restored;
      if (fix !== 'none') {
        const reference = options.colourReference === 'stage1' ? stage1 : lq;
        image = await timed('colour-fix', async () => {
          const fixed = colourFix(fix, toUnit(restored), toUnit(reference)) as FloatTensor;
          return { data: unitToSigned(fixed.data), shape: [...fixed.shape] };
        });
      }
      return { image, stage1, compressed, timings: { ...timings, total: performance.now() - started }, seeds };
    } catch (error) {
      if (signal?.aborted) await dispose().catch(() => undefined);
      throw error;
    }
  };

  return {
    name,
    restorer,
    bottleneck,
    refiner,
    colourFix: fix,
    get disposed() {
      return disposed;
    },
    run,
    async restoreImages(faces, runOptions = {}) {
      if (!Array.isArray(faces) || faces.length === 0) invalidArgument('faces', 'a non-empty array of images', faces);
      const tensor = imagesToTensor(faces, { range: 'signed', channels: 'rgb' });
      const result = await run(tensor, runOptions);
      const images = tensorToImages(result.image, { range: 'signed', depth: 8 }) as ColorImage<Uint8Array>[];
      return { images, result };
    },
    dispose,
  };
}
