import { assertColorImage, type BorderMode, type ColorImage, invalidArgument } from '@diffmac/base';
import type { Point } from '../detection/types';
import type { AffineMatrix } from '../geometry/affine';
import { estimateSimilarityWithInliers } from '../geometry/estimate-similarity';
import { ffhqTemplateWithSize } from '../geometry/template';
import { warpAffine } from '../warp/warp-affine';

/** facexlib's grey border, RGB (OpenCV's BGR `(135, 133, 132)`). */
export const FACEXLIB_BORDER_RGB: readonly [number, number, number] = [132, 133, 135];

/** Options of {@link alignFace}. */
export interface AlignFaceOptions {
  /** Crop size in pixels (default 512). */
  size?: number;
  /** facexlib's `crop_ratio` `[height, width]`, each ≥ 1 (default `[1, 1]`). */
  cropRatio?: readonly [number, number];
  /** Similarity estimate (default `'lmeds'`, as facexlib). */
  method?: 'lstsq' | 'lmeds';
  /** Border mode of the warp (default `'constant'`). */
  border?: BorderMode;
  /** Border colour for `'constant'` (default facexlib's grey `[132, 133, 135]`, alpha 255 on RGBA). */
  borderValue?: readonly number[];
}

/** An aligned face: the crop, the photo → crop matrix, and the landmarks the estimate kept. */
export interface AlignedFace {
  face: ColorImage;
  matrix: AffineMatrix;
  inliers: Uint8Array;
}

/**
 * Align one face as facexlib's `align_warp_face`: estimate the similarity from its 5 landmarks to
 * the FFHQ template, then warp the photo into a `size × size` crop with a grey constant border.
 *
 * @example
 * const { face, matrix } = alignFace(photo, landmarks5, { size: 512 });
 */
export function alignFace(image: ColorImage, landmarks5: readonly Point[], options: AlignFaceOptions = {}): AlignedFace {
  assertColorImage(image, 'image');
  if (!Array.isArray(landmarks5) || landmarks5.length !== 5) invalidArgument('landmarks5', '5 [x, y] points', landmarks5, 'INVALID_LANDMARKS');
  const template = ffhqTemplateWithSize(options.size ?? 512, options.cropRatio ? { cropRatio: options.cropRatio } : {});
  const { matrix, inliers } = estimateSimilarityWithInliers(landmarks5, template.points, { method: options.method ?? 'lmeds' });
  const borderValue = options.borderValue ?? (image.channels === 4 ? [...FACEXLIB_BORDER_RGB, image.data instanceof Uint8Array ? 255 : 1] : FACEXLIB_BORDER_RGB);
  const floatImage = !(image.data instanceof Uint8Array);
  const face = warpAffine(image, matrix, {
    width: template.width,
    height: template.height,
    border: options.border ?? 'constant',
    borderValue: floatImage && options.borderValue === undefined ? borderValue.map((v, i) => (i < 3 ? v / 255 : v)) : borderValue,
  });
  return { face, matrix, inliers };
}
