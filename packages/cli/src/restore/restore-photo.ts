import type { ColorImage, Pipeline, PipelineEvent } from '@diffmac/core';
import { pasteBack, restoreFaces, type DetectedFace, type FaceDetector } from '@diffmac/face-align';

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
  signal?: AbortSignal;
  onProgress?: (event: PipelineEvent, face: number, faces: number) => void;
}

/**
 * The whole-photo glue: face-align's helper detects and aligns every face (no paste), the pipeline
 * restores them in batches, and face-align pastes them back into the (upscaled) photo.
 *
 * @example
 * const { image, faces } = await restorePhoto(photo, { pipeline, detector, size: 512, upscale: 2, seed: 0 });
 */
export async function restorePhoto(photo: ColorImage, options: RestorePhotoOptions): Promise<RestoredPhoto> {
  const { pipeline, signal } = options;
  const t0 = performance.now();
  const found = await restoreFaces(photo, {
    ...(options.faces ? { faces: options.faces } : { detector: options.detector! }),
    ...(options.minScore !== undefined ? { minScore: options.minScore } : {}),
    size: options.size,
    paste: false,
    ...(signal ? { signal } : {}),
  });
  const t1 = performance.now();
  const restored: ColorImage[] = [];
  const stages: Record<string, number> = {};
  const batch = Math.max(1, options.batch ?? 4);
  for (let start = 0; start < found.faces.length; start += batch) {
    const part = found.faces.slice(start, start + batch);
    const seeds = part.map((_, i) => options.seed + start + i);
    const { images, result } = await pipeline.restoreImages(
      part.map((f) => f.aligned),
      { seeds, ...(signal ? { signal } : {}), ...(options.onProgress ? { onProgress: (e: PipelineEvent) => options.onProgress!(e, start, found.faces.length) } : {}) },
    );
    for (const [k, v] of Object.entries(result.timings)) stages[k] = (stages[k] ?? 0) + (v ?? 0);
    restored.push(...images);
  }
  const t2 = performance.now();
  const image = pasteBack(
    photo,
    found.faces.map((f, i) => ({ restored: restored[i]!, matrix: f.matrix })),
    { upscale: options.upscale },
  );
  const t3 = performance.now();
  return {
    image,
    faces: found.faces.map((f, i) => ({
      index: i,
      box: [...f.detection.box],
      score: f.detection.score,
      landmarks5: f.detection.landmarks5.map((p) => [...p]),
      seed: options.seed + i,
    })),
    timings: { detectAlign: t1 - t0, pipeline: t2 - t1, paste: t3 - t2, stages },
  };
}
