import type { ColorImage } from '@diffmac/base';
import { toPlanes, type Planes } from '../image/planes';
import { assertCropBorder, assertSamePair } from '../image/validate';
import type { PixelMetricOptions } from './psnr';

/**
 * OpenCV's `getGaussianKernel(11, 1.5)` in float64: `exp(-(i-5)² / (2·1.5²))`, normalised to sum 1.
 *
 * @example
 * ssimGaussian1d()[5]; // 0.2660117248617943
 */
export function ssimGaussian1d(size = 11, sigma = 1.5): Float64Array {
  const g = new Float64Array(size);
  const half = (size - 1) / 2;
  const scale2 = -0.5 / (sigma * sigma);
  let sum = 0;
  for (let i = 0; i < size; i++) {
    const x = i - half;
    const v = Math.exp(scale2 * x * x);
    g[i] = v;
    sum += v;
  }
  for (let i = 0; i < size; i++) g[i] = (g[i] as number) / sum;
  return g;
}

const C1 = (0.01 * 255) ** 2;
const C2 = (0.03 * 255) ** 2;
const WIN = 11;

/**
 * Structural similarity exactly as BasicSR's `calculate_ssim`: crop, optional Y channel, float64,
 * 11x11 Gaussian window (σ 1.5) over the **valid** region only ((H-10) x (W-10) map),
 * C1 = (0.01·255)², C2 = (0.03·255)², mean of the map per channel, then the mean over channels.
 *
 * @example
 * const s = ssim(restored, groundTruth, { cropBorder: 0, yChannel: true });
 */
export function ssim(img: ColorImage, ref: ColorImage, options: PixelMetricOptions = {}): number {
  assertSamePair(img, ref);
  const cropBorder = options.cropBorder ?? 0;
  assertCropBorder(cropBorder, img.width, img.height, WIN);
  const yChannel = options.yChannel ?? false;
  return ssimOfPlanes(toPlanes(img, cropBorder, yChannel), toPlanes(ref, cropBorder, yChannel));
}

/**
 * SSIM of two equally shaped plane sets on the 0–255 scale: the mean over planes of BasicSR's
 * valid-window SSIM.
 *
 * @example
 * ssimOfPlanes(toPlanes(a, 0, false), toPlanes(b, 0, false));
 */
export function ssimOfPlanes(a: Planes, b: Planes): number {
  const g = ssimGaussian1d();
  let total = 0;
  for (let p = 0; p < a.planes.length; p++) {
    total += ssimPlane(a.planes[p] as Float64Array, b.planes[p] as Float64Array, a.width, a.height, g);
  }
  return total / a.planes.length;
}

/**
 * SSIM of one float64 plane pair (0–255 scale) with a separable window `g` (outer(g, g)), valid region.
 *
 * @example
 * ssimPlane(x, y, 64, 64, ssimGaussian1d());
 */
export function ssimPlane(x: Float64Array, y: Float64Array, width: number, height: number, g: Float64Array): number {
  const k = g.length;
  const ow = width - k + 1;
  const oh = height - k + 1;
  // horizontal pass of x, y, x², y², xy into (height x ow) buffers
  const hx = new Float64Array(height * ow);
  const hy = new Float64Array(height * ow);
  const hxx = new Float64Array(height * ow);
  const hyy = new Float64Array(height * ow);
  const hxy = new Float64Array(height * ow);
  for (let r = 0; r < height; r++) {
    const base = r * width;
    const ob = r * ow;
    for (let c = 0; c < ow; c++) {
      let sx = 0;
      let sy = 0;
      let sxx = 0;
      let syy = 0;
      let sxy = 0;
      for (let t = 0; t < k; t++) {
        const w = g[t] as number;
        const vx = x[base + c + t] as number;
        const vy = y[base + c + t] as number;
        sx += w * vx;
        sy += w * vy;
        sxx += w * (vx * vx);
        syy += w * (vy * vy);
        sxy += w * (vx * vy);
      }
      hx[ob + c] = sx;
      hy[ob + c] = sy;
      hxx[ob + c] = sxx;
      hyy[ob + c] = syy;
      hxy[ob + c] = sxy;
    }
  }
  // vertical pass and the SSIM map, summed row by row (pairwise over rows)
  const rowSums = new Float64Array(oh);
  for (let r = 0; r < oh; r++) {
    let rowSum = 0;
    for (let c = 0; c < ow; c++) {
      let mx = 0;
      let my = 0;
      let exx = 0;
      let eyy = 0;
      let exy = 0;
      let idx = r * ow + c;
      for (let t = 0; t < k; t++, idx += ow) {
        const w = g[t] as number;
        mx += w * (hx[idx] as number);
        my += w * (hy[idx] as number);
        exx += w * (hxx[idx] as number);
        eyy += w * (hyy[idx] as number);
        exy += w * (hxy[idx] as number);
      }
      const mxx = mx * mx;
      const myy = my * my;
      const mxy = mx * my;
      const num = (2 * mxy + C1) * (2 * (exy - mxy) + C2);
      const den = (mxx + myy + C1) * (exx - mxx + (eyy - myy) + C2);
      rowSum += num / den;
    }
    rowSums[r] = rowSum;
  }
  let s = 0;
  for (let r = 0; r < oh; r++) s += rowSums[r] as number;
  return s / (ow * oh);
}
