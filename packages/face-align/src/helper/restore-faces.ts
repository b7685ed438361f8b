import { assertColorImage, type ColorImage, DiffmacError, invalidArgument } from '@diffmac/base';
import { alignFace, type AlignFaceOptions } from '../align/align-face';
import type { DetectedFace, FaceDetector } from '../detection/types';
import type { AffineMatrix } from '../geometry/affine';
import { pasteBack } from '../paste/paste-back';
import { selectFaces, type FaceFilter } from './select-faces';

/** What the injected restorer is told about the face it gets. */
export interface RestoreContext {
  /** Index among the kept faces, and how many there are. */
  index: number;
  count: number;
  detection: DetectedFace;
  /** photo → crop affine of this face. */
  matrix: AffineMatrix;
  signal?: AbortSignal;
}

/** Any restorer: core's pipeline, a one-pass ONNX model, or a user's function. Same size in and out. */
export type RestoreFunction = (alignedFace: ColorImage, ctx: RestoreContext) => ColorImage | Promise<ColorImage>;

/** What a batch restorer is told about the faces it gets. */
export interface RestoreBatchContext {
  /** Indices of these faces among the kept faces (in order), and how many faces there are. */
  indices: number[];
  count: number;
  detections: DetectedFace[];
  /** photo → crop affine of each face. */
  matrices: AffineMatrix[];
  signal?: AbortSignal;
}

/**
 * Restores several aligned faces in one call (e.g. one batched pipeline run): as many faces out,
 * in the same order and of the same size.
 */
export type RestoreBatchFunction = (alignedFaces: ColorImage[], ctx: RestoreBatchContext) => readonly ColorImage[] | Promise<readonly ColorImage[]>;

/** Upscales the whole photo for the background (e.g. a Real-ESRGAN session). */
export type BackgroundUpsampler = (photo: ColorImage, upscale: number, ctx: { signal?: AbortSignal }) => ColorImage | Promise<ColorImage>;

/** Progress of {@link restoreFaces}, one event per step and per face. */
export type RestoreFacesEvent =
  | { type: 'detected'; found: number; kept: number }
  | { type: 'face-aligned'; index: number; count: number }
  | { type: 'face-restored'; index: number; count: number }
  | { type: 'background'; width: number; height: number }
  | { type: 'pasted'; faces: number };

/** Options of {@link restoreFaces}. */
export interface RestoreFacesOptions extends FaceFilter, Omit<AlignFaceOptions, 'method'> {
  /** Finds faces; not needed when `faces` is given. */
  detector?: FaceDetector;
  /** Faces already found (skips detection; filters still apply). */
  faces?: readonly DetectedFace[];
  /** Restores one aligned face; default: none (the aligned crop is pasted back as it is). */
  restore?: RestoreFunction;
  /** Or restores `batch` aligned faces per call (faces are aligned a batch at a time). */
  restoreBatch?: RestoreBatchFunction;
  /** Faces per `restoreBatch` call (default 4). */
  batch?: number;
  /** Detector score threshold passed to `detect` (facexlib: 0.97 for RetinaFace). */
  minScore?: number;
  /** Output scale (facexlib `upscale_factor`, default 1). */
  upscale?: number;
  /** Background to paste into (resized to the output size with Lanczos). */
  background?: ColorImage;
  /** Or a background upsampler called with the photo and `upscale`. */
  upsampler?: BackgroundUpsampler;
  /** Paste the faces back (default true); false returns only the crops. */
  paste?: boolean;
  signal?: AbortSignal;
  onProgress?: (event: RestoreFacesEvent) => void;
}

/** One processed face. */
export interface RestoredFace {
  detection: DetectedFace;
  matrix: AffineMatrix;
  inliers: Uint8Array;
  aligned: ColorImage;
  restored: ColorImage;
}

/** Where {@link restoreFaces} spent its time, in milliseconds. */
export interface RestoreFacesTimings {
  /** Detection (0 when `faces` were given) and face selection. */
  detect: number;
  align: number;
  /** The injected restorer, all faces. */
  restore: number;
  /** Background and paste-back (0 when `paste: false`). */
  paste: number;
}

/** Result of {@link restoreFaces}. */
export interface RestoreFacesResult {
  /** The pasted photo (absent when `paste: false`). */
  image?: ColorImage<Uint8Array>;
  faces: RestoredFace[];
  timings: RestoreFacesTimings;
}

function checkRestored(restored: ColorImage, aligned: ColorImage, index: number, argument: string): void {
  assertColorImage(restored, `restore() result for face ${index}`);
  if (restored.width !== aligned.width || restored.height !== aligned.height) {
    const received = `${restored.width}x${restored.height}`;
    throw new DiffmacError('RESTORED_SIZE_MISMATCH', `Expected a ${aligned.width}x${aligned.height} face from restore(), received ${received}`, {
      argument,
      expected: `${aligned.width}x${aligned.height}`,
      received,
    });
  }
}

/**
 * The whole-photo helper (facexlib `FaceRestoreHelper`'s role): detect faces, keep those the
 * filters allow, align each to the FFHQ template, call the injected `restore` on each crop (or
 * `restoreBatch` on `batch` crops at a time), and paste the results back into the (upscaled)
 * photo with facexlib's soft mask.
 *
 * @example
 * const { image } = await restoreFaces(photo, { detector: await createDefaultDetector(), restore: myRestorer, upscale: 2 });
 * const batched = await restoreFaces(photo, { detector, batch: 4, restoreBatch: (faces) => pipeline.restoreImages(faces).then((r) => r.images) });
 */
export async function restoreFaces(photo: ColorImage, options: RestoreFacesOptions): Promise<RestoreFacesResult> {
  assertColorImage(photo, 'photo');
  if (options === null || typeof options !== 'object') invalidArgument('options', 'an object with a detector or faces', options, 'INVALID_OPTIONS');
  const { signal, onProgress } = options;
  const upscale = options.upscale ?? 1;
  if (typeof upscale !== 'number' || !Number.isFinite(upscale) || upscale <= 0) invalidArgument('options.upscale', 'a finite number > 0', upscale, 'INVALID_UPSCALE');
  if (options.restore !== undefined && typeof options.restore !== 'function') invalidArgument('options.restore', 'a function (face, ctx) => face', options.restore, 'INVALID_RESTORER');
  if (options.restoreBatch !== undefined && typeof options.restoreBatch !== 'function') {
    invalidArgument('options.restoreBatch', 'a function (faces, ctx) => faces', options.restoreBatch, 'INVALID_RESTORER');
  }
  if (options.restore !== undefined && options.restoreBatch !== undefined) {
    throw new DiffmacError('CONFLICTING_OPTIONS', 'Expected either options.restore or options.restoreBatch, received both', {
      argument: 'options.restoreBatch',
      expected: 'restore or restoreBatch, not both',
      received: 'both',
    });
  }
  const batch = options.restoreBatch ? (options.batch ?? 4) : 1;
  if (!Number.isInteger(batch) || batch < 1) invalidArgument('options.batch', 'a positive integer', options.batch, 'INVALID_ARGUMENT');
  if (options.background !== undefined && options.upsampler !== undefined) {
    throw new DiffmacError('CONFLICTING_OPTIONS', 'Expected either options.background or options.upsampler for options.background, received both', {
      argument: 'options.background',
      expected: 'background or upsampler, not both',
      received: 'both',
    });
  }
  signal?.throwIfAborted();
  const t0 = performance.now();

  let found: readonly DetectedFace[];
  if (options.faces !== undefined) {
    if (!Array.isArray(options.faces)) invalidArgument('options.faces', 'an array of detected faces', options.faces, 'INVALID_FACES');
    found = options.faces;
  } else if (options.detector !== undefined && typeof options.detector.detect === 'function') {
    found = await options.detector.detect(photo, { ...(options.minScore !== undefined ? { minScore: options.minScore } : {}), ...(signal ? { signal } : {}) });
  } else {
    invalidArgument('options.detector', 'a FaceDetector (or options.faces)', options.detector, 'MISSING_DETECTOR');
  }
  signal?.throwIfAborted();
  const kept = selectFaces(found, photo.width, photo.height, options);
  onProgress?.({ type: 'detected', found: found.length, kept: kept.length });

  const alignOptions: AlignFaceOptions = { method: 'lmeds' };
  if (options.size !== undefined) alignOptions.size = options.size;
  if (options.cropRatio !== undefined) alignOptions.cropRatio = options.cropRatio;
  if (options.border !== undefined) alignOptions.border = options.border;
  if (options.borderValue !== undefined) alignOptions.borderValue = options.borderValue;

  const timings: RestoreFacesTimings = { detect: performance.now() - t0, align: 0, restore: 0, paste: 0 };

  const faces: RestoredFace[] = [];
  for (let start = 0; start < kept.length; start += batch) {
    signal?.throwIfAborted();
    const tAlign = performance.now();
    const part: Omit<RestoredFace, 'restored'>[] = [];
    for (let index = start; index < Math.min(start + batch, kept.length); index++) {
      if (index > start) signal?.throwIfAborted();
      const detection = kept[index]!;
      const { face: aligned, matrix, inliers } = alignFace(photo, detection.landmarks5, alignOptions);
      onProgress?.({ type: 'face-aligned', index, count: kept.length });
      part.push({ detection, matrix, inliers, aligned });
    }
    const tRestore = performance.now();
    timings.align += tRestore - tAlign;
    let restored: readonly ColorImage[] = part.map((f) => f.aligned);
    if (options.restore) {
      const ctx: RestoreContext = { index: start, count: kept.length, detection: part[0]!.detection, matrix: part[0]!.matrix, ...(signal ? { signal } : {}) };
      restored = [await options.restore(part[0]!.aligned, ctx)];
    } else if (options.restoreBatch) {
      const ctx: RestoreBatchContext = {
        indices: part.map((_, i) => start + i),
        count: kept.length,
        detections: part.map((f) => f.detection),
        matrices: part.map((f) => f.matrix),
        ...(signal ? { signal } : {}),
      };
      restored = await options.restoreBatch(part.map((f) => f.aligned), ctx);
      if (!Array.isArray(restored) || restored.length !== part.length) {
        const received = Array.isArray(restored) ? `${restored.length} faces` : typeof restored;
        throw new DiffmacError('RESTORED_COUNT_MISMATCH', `Expected ${part.length} faces from restoreBatch(), received ${received}`, {
          argument: 'options.restoreBatch',
          expected: `${part.length} faces`,
          received,
        });
      }
    }
    if (options.restore || options.restoreBatch) signal?.throwIfAborted();
    timings.restore += performance.now() - tRestore;
    part.forEach((f, i) => {
      if (options.restore || options.restoreBatch) checkRestored(restored[i]!, f.aligned, start + i, options.restore ? 'options.restore' : 'options.restoreBatch');
      onProgress?.({ type: 'face-restored', index: start + i, count: kept.length });
      faces.push({ ...f, restored: restored[i]! });
    });
  }
  if (options.paste === false) return { faces, timings };

  const tPaste = performance.now();
  let background = options.background;
  if (options.upsampler) {
    background = await options.upsampler(photo, upscale, signal ? { signal } : {});
    signal?.throwIfAborted();
    assertColorImage(background, 'upsampler() result');
  }
  const W = Math.trunc(photo.width * upscale), H = Math.trunc(photo.height * upscale);
  onProgress?.({ type: 'background', width: W, height: H });
  const image = pasteBack(
    photo,
    faces.map((f) => ({ restored: f.restored, matrix: f.matrix })),
    { upscale, ...(background ? { background } : {}) },
  );
  timings.paste = performance.now() - tPaste;
  onProgress?.({ type: 'pasted', faces: faces.length });
  return { image, faces, timings };
}
