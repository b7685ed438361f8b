import { invalidArgument } from '../errors';
import type { FloatImage } from '../image';

/**
 * 2-D correlation of a float image with a square kernel, as OpenCV's `filter2D(src, -1, kernel)`:
 * the kernel is not flipped, its anchor is the centre, borders are BORDER_REFLECT_101. Sums run in
 * float64 and are stored as float32. Taps below 1e-12 of the largest are skipped (their share of any
 * output is far below float32 resolution), and a kernel that is an outer product (isotropic
 * Gaussians) is applied as two 1-D passes.
 *
 * @example
 * const blurred = filter2d(image, gaussianKernel(41, 3, 3, 0), 41);
 */
export function filter2d(image: FloatImage, kernel: Float64Array, size: number): FloatImage {
  if (kernel.length !== size * size) invalidArgument('kernel', `${size * size} values (${size}×${size})`, kernel);
  const separable = separate(kernel, size);
  if (separable) return correlateRows(correlateColumns(image, separable.column), separable.row);
  const { width: w, height: h, channels: c } = image;
  const half = (size - 1) / 2;
  const padded = padReflect101(image, half);
  const pw = (w + 2 * half) * c;
  const rowLen = w * c;
  const out = new Float32Array(w * h * c);
  const acc = new Float64Array(rowLen);
  const taps = significantTaps(kernel);
  for (let y = 0; y < h; y++) {
    acc.fill(0);
    for (const { ky, kx, value } of taps) {
      const base = (y + ky) * pw + kx * c;
      for (let i = 0; i < rowLen; i++) acc[i]! += value * padded[base + i]!;
    }
    out.set(acc, y * rowLen);
  }
  return { width: w, height: h, channels: c, data: out };
}

function significantTaps(kernel: Float64Array): { ky: number; kx: number; value: number }[] {
  const size = Math.round(Math.sqrt(kernel.length));
  let max = 0;
  for (const v of kernel) max = Math.max(max, Math.abs(v));
  const taps = [];
  for (let ky = 0; ky < size; ky++) {
    for (let kx = 0; kx < size; kx++) {
      const value = kernel[ky * size + kx]!;
      if (Math.abs(value) > max * 1e-12) taps.push({ ky, kx, value });
    }
  }
  return taps;
}

/** If `kernel` equals column ⊗ row (to 1e-12 relative), the two factors. */
function separate(kernel: Float64Array, size: number): { column: Float64Array; row: Float64Array } | undefined {
  const half = (size - 1) / 2;
  const centre = kernel[half * size + half]!;
  if (!(centre > 0)) return undefined;
  const column = new Float64Array(size);
  const row = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    column[i] = kernel[i * size + half]! / Math.sqrt(centre);
    row[i] = kernel[half * size + i]! / Math.sqrt(centre);
  }
  let max = 0;
  for (const v of kernel) max = Math.max(max, Math.abs(v));
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (Math.abs(column[y]! * row[x]! - kernel[y * size + x]!) > max * 1e-12) return undefined;
    }
  }
  return { column, row };
}

function correlateColumns(image: FloatImage, taps: Float64Array): FloatImage {
  const { width: w, height: h, channels: c, data } = image;
  const half = (taps.length - 1) / 2;
  const rowLen = w * c;
  const yIndex = reflect101Table(h, half);
  const out = new Float32Array(data.length);
  const acc = new Float64Array(rowLen);
  for (let y = 0; y < h; y++) {
    acc.fill(0);
    for (let k = 0; k < taps.length; k++) {
      const t = taps[k]!;
      const base = yIndex[y + k]! * rowLen;
      for (let i = 0; i < rowLen; i++) acc[i]! += t * data[base + i]!;
    }
    out.set(acc, y * rowLen);
  }
  return { ...image, data: out };
}

function correlateRows(image: FloatImage, taps: Float64Array): FloatImage {
  const { width: w, height: h, channels: c } = image;
  const half = (taps.length - 1) / 2;
  const padded = padReflect101(image, half, 0);
  const pw = (w + 2 * half) * c;
  const rowLen = w * c;
  const out = new Float32Array(w * h * c);
  const acc = new Float64Array(rowLen);
  for (let y = 0; y < h; y++) {
    acc.fill(0);
    for (let k = 0; k < taps.length; k++) {
      const t = taps[k]!;
      const base = y * pw + k * c;
      for (let i = 0; i < rowLen; i++) acc[i]! += t * padded[base + i]!;
    }
    out.set(acc, y * rowLen);
  }
  return { ...image, data: out };
}

/** Copy of `image` with `padX` (and `padY`) reflect-101 pixels on each side. */
function padReflect101(image: FloatImage, padX: number, padY = padX): Float32Array {
  const { width: w, height: h, channels: c, data } = image;
  const xIndex = reflect101Table(w, padX);
  const yIndex = reflect101Table(h, padY);
  const pw = w + 2 * padX;
  const out = new Float32Array(pw * (h + 2 * padY) * c);
  for (let y = 0; y < h + 2 * padY; y++) {
    const src = yIndex[y]! * w;
    for (let x = 0; x < pw; x++) {
      const s = (src + xIndex[x]!) * c;
      const d = (y * pw + x) * c;
      for (let ch = 0; ch < c; ch++) out[d + ch] = data[s + ch]!;
    }
  }
  return out;
}

/** Index table for positions -half .. n-1+half under BORDER_REFLECT_101 (gfedcb|abcdefgh|gfedcba). */
function reflect101Table(n: number, half: number): Int32Array {
  const table = new Int32Array(n + 2 * half);
  for (let i = 0; i < table.length; i++) table[i] = reflect101(i - half, n);
  return table;
}

function reflect101(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  let j = ((i % period) + period) % period;
  if (j >= n) j = period - j;
  return j;
}
