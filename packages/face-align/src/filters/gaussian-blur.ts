import { invalidArgument } from '@diffmac/core';
import { borderIndex } from '../warp/border';

const f32 = Math.fround;

const SMALL: readonly (readonly number[])[] = [
  [1],
  [0.25, 0.5, 0.25],
  [0.0625, 0.25, 0.375, 0.25, 0.0625],
  [0.03125, 0.109375, 0.21875, 0.28125, 0.21875, 0.109375, 0.03125],
  [0.015625, 0.05078125, 0.1171875, 0.19921875, 0.234375, 0.19921875, 0.1171875, 0.05078125, 0.015625],
];

/** Dekker split of a double for exact products. */
function split(a: number): [number, number] {
  const c = 134217729 * a; // 2^27 + 1
  const hi = c - (c - a);
  return [hi, a - hi];
}

/** a·b + c with one rounding (as softfloat's mulAdd), via an error-free product. */
function fusedMulAdd(a: number, b: number, c: number): number {
  const p = a * b;
  const [ah, al] = split(a);
  const [bh, bl] = split(b);
  const e = ah * bh - p + ah * bl + al * bh + al * bl;
  const s = p + c;
  const bb = s - p;
  const t = p - (s - bb) + (c - bb);
  return s + (t + e);
}

/**
 * OpenCV's `getGaussianKernel(ksize, sigma, CV_32F)` (4.x, computed through its bit-exact double
 * kernel): for `sigma <= 0`, sigma is `0.15·ksize + 0.35` (= `0.3·((ksize−1)·0.5 − 1) + 0.8`), and
 * sizes 1–9 use OpenCV's fixed table.
 *
 * @example
 * gaussianKernel(3, 0); // Float32Array [0.25, 0.5, 0.25]
 */
export function gaussianKernel(ksize: number, sigma = 0): Float32Array {
  if (!Number.isInteger(ksize) || ksize < 1 || ksize % 2 === 0) invalidArgument('ksize', 'a positive odd integer', ksize, 'INVALID_KERNEL');
  const fixed = ksize <= 9 && sigma <= 0 ? SMALL[ksize >> 1] : undefined;
  if (fixed) return Float32Array.from(fixed);
  const s = sigma > 0 ? sigma : fusedMulAdd(ksize, 0.15, 0.35);
  const scale2 = -0.125 / (s * s);
  const half = (ksize - 1) >> 1;
  const values = new Float64Array(half);
  let sum = 0;
  for (let i = 0, x = 1 - ksize; i < half; i++, x += 2) {
    values[i] = Math.exp(x * x * scale2);
    sum += values[i]!;
  }
  sum = sum * 2 + 1;
  const mul = 1 / sum;
  const k = new Float32Array(ksize);
  for (let i = 0; i < half; i++) {
    k[i] = values[i]! * mul;
    k[ksize - 1 - i] = k[i]!;
  }
  k[half] = mul;
  return k;
}

/** Where a plane window sits in its full image (for border reflection). */
export interface PlaneWindow {
  x: number;
  y: number;
  imageWidth: number;
  imageHeight: number;
}

/**
 * Separable Gaussian blur of a float32 plane with OpenCV's `GaussianBlur(img, (k, k), sigma)`
 * arithmetic on float images: float32 kernel, row pass then symmetric column pass with fused
 * multiply-adds in float32, BORDER_REFLECT_101. The plane may be a window of a larger image whose
 * other pixels are zero (`window`): reflection then follows the full image.
 *
 * @example
 * const soft = gaussianBlurPlane(mask, width, height, 27);
 */
export function gaussianBlurPlane(src: Float32Array, width: number, height: number, ksize: number, sigma = 0, window?: PlaneWindow): Float32Array {
  if (src.length !== width * height) invalidArgument('src', `${width * height} values`, src, 'INVALID_IMAGE');
  const kernel = gaussianKernel(ksize, sigma);
  if (ksize === 1) return src.slice();
  const r = ksize >> 1;
  const wx = window?.x ?? 0, wy = window?.y ?? 0;
  const iw = window?.imageWidth ?? width, ih = window?.imageHeight ?? height;
  // source column index (in the window) for each output column and tap; -1 = zero
  const xIdx = new Int32Array(width * ksize);
  for (let x = 0; x < width; x++) {
    for (let t = 0; t < ksize; t++) {
      const gx = borderIndex(wx + x - r + t, iw, 'reflect101') - wx;
      xIdx[x * ksize + t] = gx >= 0 && gx < width ? gx : -1;
    }
  }
  const rows = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const base = y * width;
    let any = false;
    for (let x = 0; x < width; x++) if (src[base + x] !== 0) { any = true; break; }
    if (!any && window !== undefined) continue;
    for (let x = 0; x < width; x++) {
      let s = 0;
      const o = x * ksize;
      for (let t = 0; t < ksize; t++) {
        const j = xIdx[o + t]!;
        if (j >= 0) s = f32(src[base + j]! * kernel[t]! + s);
      }
      rows[base + x] = s;
    }
  }
  const out = new Float32Array(width * height);
  const yIdx = (y: number): number => {
    const gy = borderIndex(wy + y, ih, 'reflect101') - wy;
    return gy >= 0 && gy < height ? gy : -1;
  };
  const rowOf = new Int32Array(height + 2 * r);
  for (let i = 0; i < height + 2 * r; i++) rowOf[i] = yIdx(i - r);
  const zero = new Float32Array(width);
  const line = (i: number): Float32Array => {
    const yy = rowOf[i]!;
    return yy < 0 ? zero : rows.subarray(yy * width, (yy + 1) * width);
  };
  const k0 = kernel[r]!;
  for (let y = 0; y < height; y++) {
    const c = line(y + r);
    const acc = new Float32Array(width);
    for (let x = 0; x < width; x++) acc[x] = f32(c[x]! * k0);
    for (let t = 1; t <= r; t++) {
      const a = line(y + r + t), b = line(y + r - t);
      const kt = kernel[r + t]!;
      for (let x = 0; x < width; x++) acc[x] = f32(f32(a[x]! + b[x]!) * kt + acc[x]!);
    }
    out.set(acc, y * width);
  }
  return out;
}
