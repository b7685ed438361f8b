import { invalidArgument } from '@diffmac/core';
import type { FloatImage } from './float-image';

/**
 * 2-D correlation of a float image with a square kernel, as OpenCV's `filter2D(src, -1, kernel)`:
 * the kernel is not flipped, its anchor is the centre, borders are BORDER_REFLECT_101. Each channel
 * is filtered alone; sums run in float64 and are stored as float32.
 *
 * @example
 * const blurred = filter2d(image, gaussianKernel(41, 3, 3, 0), 41);
 */
export function filter2d(image: FloatImage, kernel: Float64Array, size: number): FloatImage {
  if (kernel.length !== size * size) invalidArgument('kernel', `${size * size} values (${size}×${size})`, kernel);
  const { width: w, height: h, channels: c, data } = image;
  const half = (size - 1) / 2;
  const xIndex = reflect101Table(w, half);
  const yIndex = reflect101Table(h, half);
  const out = new Float32Array(data.length);
  const acc = new Float64Array(c);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      acc.fill(0);
      for (let ky = 0; ky < size; ky++) {
        const rowBase = yIndex[y + ky]! * w;
        const kBase = ky * size;
        for (let kx = 0; kx < size; kx++) {
          const kv = kernel[kBase + kx]!;
          const p = (rowBase + xIndex[x + kx]!) * c;
          for (let ch = 0; ch < c; ch++) acc[ch]! += kv * data[p + ch]!;
        }
      }
      const o = (y * w + x) * c;
      for (let ch = 0; ch < c; ch++) out[o + ch] = acc[ch]!;
    }
  }
  return { width: w, height: h, channels: c, data: out };
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
