import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bivariateGaussianKernel } from '../src/degradation/blur-kernel';
import { filter2d, resizeLinear } from '@diffmac/base';
import type { FloatImage } from '../src/degradation/float-image';
import { toUint8Image } from '../src/degradation/float-image';

interface Fixture {
  image: { width: number; height: number; data: number[] };
  filter: { size: number; sigmaX: number; sigmaY: number; theta: number; kernel: number[]; out: number[] }[];
  resize: { width: number; height: number; out: number[] }[];
  resize2x: { width: number; height: number; data: number[]; out: number[] };
}
// Made by scripts/make-degradation-fixtures.py with OpenCV 4.6 (Debian python3-opencv).
const fx: Fixture = JSON.parse(readFileSync(new URL('./fixtures/degradation-cv2.json', import.meta.url), 'utf8'));
const image: FloatImage = { width: fx.image.width, height: fx.image.height, channels: 3, data: Float32Array.from(fx.image.data) };

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('degradation operators against OpenCV', () => {
  it.each(fx.filter.map((c) => [`${c.size}px σ=(${c.sigmaX}, ${c.sigmaY}) θ=${c.theta}`, c] as const))('bivariateGaussianKernel + filter2d: %s', (_, c) => {
    const k = bivariateGaussianKernel(c.size, c.sigmaX, c.sigmaY, c.theta);
    expect(maxAbsDiff(k, c.kernel)).toBeLessThan(1e-9);
    // OpenCV filters large kernels through the DFT, so float32 rounding differs slightly.
    expect(maxAbsDiff(filter2d(image, k, c.size).data, c.out)).toBeLessThan(2e-6);
  });

  it.each(fx.resize.map((c) => [`${c.width}×${c.height}`, c] as const))('resizeLinear to %s', (_, c) => {
    const out = resizeLinear(image, c.width, c.height);
    expect([out.width, out.height]).toEqual([c.width, c.height]);
    expect(maxAbsDiff(out.data, c.out)).toBeLessThan(1e-6);
  });

  it('resizeLinear takes OpenCV INTER_AREA path on an exact 2× reduction', () => {
    const c = fx.resize2x;
    const src: FloatImage = { width: c.width, height: c.height, channels: 3, data: Float32Array.from(c.data) };
    expect(maxAbsDiff(resizeLinear(src, c.width / 2, c.height / 2).data, c.out)).toBeLessThan(1e-6);
  });

  it('kernels sum to one and are symmetric under a half-turn', () => {
    const k = bivariateGaussianKernel(41, 0.7, 9.5, 1.1);
    expect(k.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    for (let i = 0; i < k.length; i++) expect(k[i]).toBeCloseTo(k[k.length - 1 - i]!, 15);
  });

  it('rejects even kernel sizes and non-positive sigmas with typed errors', () => {
    expect(() => bivariateGaussianKernel(40, 1, 1, 0)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', argument: 'size' }));
    expect(() => bivariateGaussianKernel(41, 0, 1, 0)).toThrow(expect.objectContaining({ argument: 'sigmaX' }));
  });

  it('rounds to 8-bit as numpy does: clip, ×255 in float32, half to even', () => {
    const img: FloatImage = { width: 4, height: 1, channels: 1, data: Float32Array.from([-0.2, 1.3, 0.5 / 255, 2.5 / 255]) };
    expect([...toUint8Image(img).data]).toEqual([0, 255, 0, 2]);
  });
});
