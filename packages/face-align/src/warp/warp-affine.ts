import { assertBorderMode, assertColorImage, type BorderMode, type ColorImage, describeValue, DiffmacError, invalidArgument, warpBilinear } from '@diffmac/base';
import { invertAffine, toAffine, type AffineInput } from '../geometry/affine';

/** Options of {@link warpAffine}. */
export interface WarpAffineOptions {
  /** Output width in pixels. */
  width: number;
  /** Output height in pixels. */
  height: number;
  /** Border handling (default `'constant'`). */
  border?: BorderMode;
  /**
   * Border colour for `'constant'`, in the image's channel order and value range (RGB or RGBA;
   * default all zeros). facexlib's grey is `[132, 133, 135]`.
   */
  borderValue?: readonly number[];
  /** `matrix` already maps output pixels to input pixels (OpenCV's `WARP_INVERSE_MAP`). */
  inverseMap?: boolean;
}

/**
 * Warp an image by a 2×3 affine `matrix` (input → output; flat `[a, b, tx, c, d, ty]` or nested 2×3) with bilinear interpolation, bit-exact to
 * OpenCV's `cv2.warpAffine(img, M, (width, height), borderMode=..., borderValue=...)` on uint8
 * images (1/32-pixel fixed-point coordinates and 15-bit weights); float images use the same
 * coordinates with float32 weights and sums. Returns a new image with the input's channels and type.
 *
 * @example
 * const crop = warpAffine(photo, matrix, { width: 512, height: 512, borderValue: [132, 133, 135] });
 */
export function warpAffine(image: ColorImage, matrix: AffineInput, options: WarpAffineOptions): ColorImage {
  assertColorImage(image, 'image');
  const m = toAffine(matrix, 'matrix');
  if (options === null || typeof options !== 'object') invalidArgument('options', 'an object { width, height }', options, 'INVALID_OPTIONS');
  const { width, height } = options;
  if (!Number.isInteger(width) || width < 1) invalidArgument('options.width', 'a positive integer', width, 'INVALID_SIZE');
  if (!Number.isInteger(height) || height < 1) invalidArgument('options.height', 'a positive integer', height, 'INVALID_SIZE');
  const border = options.border ?? 'constant';
  assertBorderMode(border, 'options.border');
  const cn = image.channels;
  const borderValue = resolveBorderValue(options.borderValue, cn, image.data instanceof Uint8Array);
  const inverse = options.inverseMap ? m : invertAffine(m);
  const data = image.data instanceof Uint8Array ? new Uint8Array(width * height * cn) : new Float32Array(width * height * cn);
  warpBilinear(image, inverse, data, { x: 0, y: 0, width, height }, border, borderValue);
  return { width, height, channels: cn, data };
}

function resolveBorderValue(value: readonly number[] | undefined, cn: number, u8: boolean): number[] {
  if (value === undefined) return new Array<number>(cn).fill(0);
  if (!Array.isArray(value) || value.length < 3 || value.length > 4 || !value.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new DiffmacError('INVALID_BORDER_VALUE', `Expected 3 or 4 finite numbers for options.borderValue, received ${describeValue(value)}`, {
      argument: 'options.borderValue',
      expected: '[r, g, b] or [r, g, b, a]',
      received: describeValue(value),
    });
  }
  const out: number[] = [];
  for (let k = 0; k < cn; k++) {
    const v = value[k] ?? 0; // OpenCV's Scalar has 0 in its unset 4th slot
    out.push(u8 ? Math.min(255, Math.max(0, Math.round(v))) : v);
  }
  return out;
}
