import { invalidArgument } from '../errors';
import { borderIndex } from './border-cv';

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
 * getGaussianKernel(3, 0); // Float32Array [0.25, 0.5, 0.25]
 */
export function getGaussianKernel(ksize: number, sigma = 0): Float32Array {
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
  const kernel = getGaussianKernel(ksize, sigma);
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
  // Row pass. Where every tap of a window lies inside the plane and reads only ones (or only
  // zeros), the float32 sum is the same constant, so it is computed once: exact, and much faster
  // on masks.
  let rowOnes = 0;
  for (let t = 0; t < ksize; t++) rowOnes = f32(kernel[t]! + rowOnes);
  const rows = new Float32Array(width * height);
  const onesPrefix = new Int32Array(width + 1);
  const zerosPrefix = new Int32Array(width + 1);
  for (let y = 0; y < height; y++) {
    const base = y * width;
    for (let x = 0; x < width; x++) {
      const v = src[base + x]!;
      onesPrefix[x + 1] = onesPrefix[x]! + (v === 1 ? 1 : 0);
      zerosPrefix[x + 1] = zerosPrefix[x]! + (v === 0 ? 1 : 0);
    }
    if (zerosPrefix[width] === width) continue;
    for (let x = 0; x < width; x++) {
      let s = 0;
      if (x >= r && x + r < width) {
        if (onesPrefix[x + r + 1]! - onesPrefix[x - r]! === ksize) s = rowOnes;
        else if (zerosPrefix[x + r + 1]! - zerosPrefix[x - r]! !== ksize) {
          const o = base + x - r;
          for (let t = 0; t < ksize; t++) s = f32(src[o + t]! * kernel[t]! + s);
        }
      } else {
        const o = x * ksize;
        for (let t = 0; t < ksize; t++) {
          const j = xIdx[o + t]!;
          if (j >= 0) s = f32(src[base + j]! * kernel[t]! + s);
        }
      }
      rows[base + x] = s;
    }
  }
  // Column pass (symmetric kernel, fused multiply-adds), with the same shortcut for columns of
  // identical row sums.
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
  let colOnes = f32(rowOnes * k0);
  for (let t = 1; t <= r; t++) colOnes = f32(f32(rowOnes + rowOnes) * kernel[r + t]! + colOnes);
  // running counts, per column, of rows y-r..y+r whose row sum is rowOnes / zero
  const cntOnes = new Int32Array(width);
  const cntZeros = new Int32Array(width);
  const bump = (yy: number, d: number): void => {
    if (yy < 0 || yy >= height) return;
    const b = yy * width;
    for (let x = 0; x < width; x++) {
      const v = rows[b + x]!;
      if (v === rowOnes) cntOnes[x] = cntOnes[x]! + d;
      else if (v === 0) cntZeros[x] = cntZeros[x]! + d;
    }
  };
  for (let yy = 0; yy < r && yy < height; yy++) bump(yy, 1);
  const acc = new Float32Array(width);
  for (let y = 0; y < height; y++) {
    bump(y + r, 1);
    bump(y - r - 1, -1);
    const o = y * width;
    if (y >= r && y + r < height) {
      for (let x = 0; x < width; x++) {
        if (cntOnes[x] === ksize) out[o + x] = colOnes;
        else if (cntZeros[x] === ksize) out[o + x] = 0;
        else {
          let s = f32(rows[o + x]! * k0);
          for (let t = 1; t <= r; t++) s = f32(f32(rows[o + t * width + x]! + rows[o - t * width + x]!) * kernel[r + t]! + s);
          out[o + x] = s;
        }
      }
      continue;
    }
    const c = line(y + r);
    for (let x = 0; x < width; x++) acc[x] = f32(c[x]! * k0);
    for (let t = 1; t <= r; t++) {
      const a = line(y + r + t), b = line(y + r - t);
      const kt = kernel[r + t]!;
      for (let x = 0; x < width; x++) acc[x] = f32(f32(a[x]! + b[x]!) * kt + acc[x]!);
    }
    out.set(acc, o);
  }
  return out;
}
