import { DiffmacError, invalidArgument, type ColorImage } from '@diffmac/core';
import { alignFace, type AlignFaceOptions } from '../align/align-face';
import type { DetectedFace, FaceDetector } from '../detection/types';
import type { AffineMatrix } from '../geometry/affine';
import { assertColorImage } from '../image/assert-color-image';
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

/** Result of {@link restoreFaces}. */
export interface RestoreFacesResult {
  /** The pasted photo (absent when `paste: false`). */
  image?: ColorImage<Uint8Array>;
  faces: RestoredFace[];
}

/**
 * The whole-photo helper (facexlib `FaceRestoreHelper`'s role): detect faces, keep those the
 * filters allow, align each to the FFHQ template, call the injected `restore` on each crop, and
 * paste the results back into the (upscaled) photo with facexlib's soft mask.
 *
 * @example
 * const { image } = await restoreFaces(photo, { detector: await createDefaultDetector(), restore: myRestorer, upscale: 2 });
 */
export async function restoreFaces(photo: ColorImage, options: RestoreFacesOptions): Promise<RestoreFacesResult> {
  assertColorImage(photo, 'photo');
  if (options === null || typeof options !== 'object') invalidArgument('options', 'an object with a detector or faces', options, 'INVALID_OPTIONS');
  const { signal, onProgress } = options;
  const upscale = options.upscale ?? 1;
  if (typeof upscale !== 'number' || !Number.isFinite(upscale) || upscale <= 0) invalidArgument('options.upscale', 'a finite number > 0', upscale, 'INVALID_UPSCALE');
  if (options.restore !== undefined && typeof options.restore !== 'function') invalidArgument('options.restore', 'a function (face, ctx) => face', options.restore, 'INVALID_RESTORER');
  if (options.background !== undefined && options.upsampler !== undefined) {
    throw new DiffmacError('CONFLICTING_OPTIONS', 'Expected either options.background or options.upsampler for options.background, received both', {
      argument: 'options.background',
      expected: 'background or upsampler, not both',
      received: 'both',
    });
  }
  signal?.throwIfAborted();

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

  const faces: RestoredFace[] = [];
  for (let index = 0; index < kept.length; index++) {
    signal?.throwIfAborted();
    const detection = kept[index]!;
    const { face: aligned, matrix, inliers } = alignFace(photo, detection.landmarks5, alignOptions);
    onProgress?.({ type: 'face-aligned', index, count: kept.length });
    let restored = aligned;
    if (options.restore) {
      const ctx: RestoreContext = { index, count: kept.length, detection, matrix, ...(signal ? { signal } : {}) };
      restored = await options.restore(aligned, ctx);
      signal?.throwIfAborted();
      assertColorImage(restored, `restore() result for face ${index}`);
      if (restored.width !== aligned.width || restored.height !== aligned.height) {
        const received = `${restored.width}x${restored.height}`;
        throw new DiffmacError('RESTORED_SIZE_MISMATCH', `Expected a ${aligned.width}x${aligned.height} face from restore(), received ${received}`, {
          argument: 'options.restore',
          expected: `${aligned.width}x${aligned.height}`,
          received,
        });
      }
    }
    onProgress?.({ type: 'face-restored', index, count: kept.length });
    faces.push({ detection, matrix, inliers, aligned, restored });
  }
  if (options.paste === false) return { faces };

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
  onProgress?.({ type: 'pasted', faces: faces.length });
  return { image, faces };
}
