import type { ColorImage } from '@diffmac/base';
import type { Pipeline, PipelineEvent } from '@diffmac/core';
import { restoreFaces, type BackgroundUpsampler, type DetectedFace, type FaceDetector } from '@diffmac/face-align';

/** One face of a restored photo, as the JSON summary lists it. */
export interface PhotoFaceRecord {
  index: number;
  box: readonly number[];
  score: number;
  landmarks5: readonly (readonly number[])[];
  seed: number;
}

/** What {@link restorePhoto} returns. */
export interface RestoredPhoto {
  image: ColorImage<Uint8Array>;
  faces: PhotoFaceRecord[];
  /** Milliseconds: detect + align, the pipeline (all faces, batched), paste-back. */
  timings: { detectAlign: number; pipeline: number; paste: number; stages: Record<string, number> };
}

/** Options of {@link restorePhoto}. */
export interface RestorePhotoOptions {
  pipeline: Pipeline;
  detector?: FaceDetector;
  /** Faces already found (skip detection). */
  faces?: readonly DetectedFace[];
  /** Crop size (the bundle's resolution). */
  size: number;
  upscale: number;
  seed: number;
  minScore?: number;
  /** Faces restored in one pipeline run (default 4). */
  batch?: number;
  /** Upsamples the whole photo for the background before paste-back (default: Lanczos resize). */
  upsampler?: BackgroundUpsampler;
  signal?: AbortSignal;
  onProgress?: (event: PipelineEvent, face: number, faces: number) => void;
}

/**
 * `diffmac restore` on one photo: face-align's whole-photo helper detects, aligns, restores (the
 * pipeline, faces batched, face i seeded `seed + i`) and pastes back; this only records the faces,
 * seeds and timings for the JSON summary.
 *
 * @example
 * const { image, faces } = await restorePhoto(photo, { pipeline, detector, size: 512, upscale: 2, seed: 0 });
 */
export async function restorePhoto(photo: ColorImage, options: RestorePhotoOptions): Promise<RestoredPhoto> {
  const { pipeline, signal } = options;
  const stages: Record<string, number> = {};
  const result = await restoreFaces(photo, {
    ...(options.faces ? { faces: options.faces } : { detector: options.detector! }),
    ...(options.minScore !== undefined ? { minScore: options.minScore } : {}),
    size: options.size,
    upscale: options.upscale,
    ...(options.upsampler ? { upsampler: options.upsampler } : {}),
    batch: Math.max(1, options.batch ?? 4),
    restoreBatch: async (faces, ctx) => {
      const first = ctx.indices[0]!;
      const { images, result: run } = await pipeline.restoreImages(faces, {
        seeds: ctx.indices.map((i) => options.seed + i),
        ...(signal ? { signal } : {}),
        ...(options.onProgress ? { onProgress: (e: PipelineEvent) => options.onProgress!(e, first, ctx.count) } : {}),
      });
      for (const [k, v] of Object.entries(run.timings)) stages[k] = (stages[k] ?? 0) + (v ?? 0);
      return images;
    },
    ...(signal ? { signal } : {}),
  });
  return {
    image: result.image!,
    faces: result.faces.map((f, i) => ({
      index: i,
      box: [...f.detection.box],
      score: f.detection.score,
      landmarks5: f.detection.landmarks5.map((p) => [...p]),
      seed: options.seed + i,
    })),
    timings: { detectAlign: result.timings.detect + result.timings.align, pipeline: result.timings.restore, paste: result.timings.paste, stages },
  };
}
