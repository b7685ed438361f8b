import { invalidArgument } from '@diffmac/base';
import type { FiveLandmarks } from '../detection/types';

/** facexlib's FFHQ 5-point template for a 512×512 crop. */
const FFHQ_512: readonly (readonly [number, number])[] = [
  [192.98138, 239.94708],
  [318.90277, 240.1936],
  [256.63416, 314.01935],
  [201.26117, 371.41043],
  [313.08905, 371.15118],
];

/** Options of {@link ffhqTemplate}. */
export interface TemplateOptions {
  /**
   * facexlib's `crop_ratio` as `[height, width]` ratios (each ≥ 1): the crop grows by these factors
   * and the template moves to stay centred. Default `[1, 1]`.
   */
  cropRatio?: readonly [heightRatio: number, widthRatio: number];
}

/** A template and the crop size it belongs to. */
export interface FaceTemplate {
  points: FiveLandmarks;
  width: number;
  height: number;
}

/**
 * The FFHQ 5-point template (left eye, right eye, nose, left mouth corner, right mouth corner) for a
 * square face of `size` pixels, exactly as facexlib's `FaceRestoreHelper` builds it.
 *
 * @example
 * ffhqTemplate(512)[0]; // [192.98138, 239.94708]
 */
export function ffhqTemplate(size = 512, options: TemplateOptions = {}): FiveLandmarks {
  return ffhqTemplateWithSize(size, options).points;
}

/**
 * {@link ffhqTemplate} plus the crop size it implies (`size × cropRatio`, truncated to integers as
 * facexlib's `int(face_size * crop_ratio)`).
 *
 * @example
 * ffhqTemplateWithSize(512, { cropRatio: [1.5, 1] }); // { points, width: 512, height: 768 }
 */
export function ffhqTemplateWithSize(size = 512, options: TemplateOptions = {}): FaceTemplate {
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 1) invalidArgument('size', 'a positive integer', size, 'INVALID_SIZE');
  const [rh, rw] = options.cropRatio ?? [1, 1];
  for (const [name, r] of [['cropRatio[0]', rh], ['cropRatio[1]', rw]] as const) {
    if (typeof r !== 'number' || !Number.isFinite(r) || r < 1) invalidArgument(`options.${name}`, 'a finite ratio >= 1', r, 'INVALID_CROP_RATIO');
  }
  const s = size / 512;
  const dy = rh > 1 ? (size * (rh - 1)) / 2 : 0;
  const dx = rw > 1 ? (size * (rw - 1)) / 2 : 0;
  const points = FFHQ_512.map(([x, y]) => [x * s + dx, y * s + dy] as const) as unknown as FiveLandmarks;
  return { points, width: Math.trunc(size * rw), height: Math.trunc(size * rh) };
}
