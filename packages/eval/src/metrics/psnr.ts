import type { ColorImage } from '@diffmac/base';
import { toPlanes, type Planes } from '../image/planes';
import { assertCropBorder, assertSamePair } from '../image/validate';

/** Options of {@link psnr} and {@link ssim}, named after BasicSR's arguments. */
export interface PixelMetricOptions {
  /** Pixels cut from every edge before anything else (BasicSR `crop_border`). Default 0. */
  cropBorder?: number;
  /** Score BasicSR's Y channel (BT.601, float32 steps) instead of R, G, B (`test_y_channel`). Default false. */
  yChannel?: boolean;
}

/**
 * Peak signal-to-noise ratio in dB, exactly as BasicSR's `calculate_psnr`: crop, optional Y
 * channel, float64 mean squared error over H x W x C on the 0–255 scale, `10 log10(255² / MSE)`;
 * `Infinity` for identical images. Symmetric in its two arguments.
 *
 * @example
 * const db = psnr(restored, groundTruth, { cropBorder: 0, yChannel: false });
 */
export function psnr(img: ColorImage, ref: ColorImage, options: PixelMetricOptions = {}): number {
  const mse = meanSquaredError(img, ref, options);
  if (mse === 0) return Number.POSITIVE_INFINITY;
  return 10 * Math.log10((255 * 255) / mse);
}

/**
 * Mean squared error on the 0–255 scale, with PSNR's crop and Y options (the quantity under PSNR's log).
 *
 * @example
 * meanSquaredError(a, b, { cropBorder: 4 });
 */
export function meanSquaredError(img: ColorImage, ref: ColorImage, options: PixelMetricOptions = {}): number {
  assertSamePair(img, ref);
  const cropBorder = options.cropBorder ?? 0;
  assertCropBorder(cropBorder, img.width, img.height);
  const yChannel = options.yChannel ?? false;
  if (!yChannel && img.data instanceof Uint8Array && ref.data instanceof Uint8Array) {
    return integerMse(img, ref, cropBorder);
  }
  return planesMse(toPlanes(img, cropBorder, yChannel), toPlanes(ref, cropBorder, yChannel));
}

/**
 * PSNR in dB of two equally shaped plane sets on the 0–255 scale (after any crop or colour step).
 *
 * @example
 * psnrOfPlanes(toPlanes(a, 0, true), toPlanes(b, 0, true));
 */
export function psnrOfPlanes(a: Planes, b: Planes): number {
  const mse = planesMse(a, b);
  if (mse === 0) return Number.POSITIVE_INFINITY;
  return 10 * Math.log10((255 * 255) / mse);
}

function planesMse(a: Planes, b: Planes): number {
  let sum = 0;
  let count = 0;
  for (let p = 0; p < a.planes.length; p++) {
    const pa = a.planes[p] as Float64Array;
    const pb = b.planes[p] as Float64Array;
    sum += pairwiseSquaredDiff(pa, pb, 0, pa.length);
    count += pa.length;
  }
  return sum / count;
}

/** numpy-style pairwise summation of (a - b)², so large float sums round like the reference's. */
function pairwiseSquaredDiff(a: Float64Array, b: Float64Array, start: number, end: number): number {
  const n = end - start;
  if (n <= 128) {
    let s = 0;
    for (let i = start; i < end; i++) {
      const d = (a[i] as number) - (b[i] as number);
      s += d * d;
    }
    return s;
  }
  const mid = start + Math.floor(n / 2);
  return pairwiseSquaredDiff(a, b, start, mid) + pairwiseSquaredDiff(a, b, mid, end);
}

/** Exact integer sum of squared differences of two uint8 RGB(A) images (alpha ignored). */
function integerMse(img: ColorImage, ref: ColorImage, cropBorder: number): number {
  const w = img.width - 2 * cropBorder;
  const h = img.height - 2 * cropBorder;
  const ca = img.channels;
  const cb = ref.channels;
  const a = img.data as Uint8Array;
  const b = ref.data as Uint8Array;
  let sum = 0;
  for (let row = 0; row < h; row++) {
    let ia = ((row + cropBorder) * img.width + cropBorder) * ca;
    let ib = ((row + cropBorder) * ref.width + cropBorder) * cb;
    let rowSum = 0;
    for (let col = 0; col < w; col++, ia += ca, ib += cb) {
      const d0 = (a[ia] as number) - (b[ib] as number);
      const d1 = (a[ia + 1] as number) - (b[ib + 1] as number);
      const d2 = (a[ia + 2] as number) - (b[ib + 2] as number);
      rowSum += d0 * d0 + d1 * d1 + d2 * d2;
    }
    sum += rowSum;
  }
  return sum / (w * h * 3);
}
