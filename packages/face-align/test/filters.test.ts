import { describe, expect, it } from 'vitest';
import { erodePlane, gaussianBlurPlane, getGaussianKernel } from '@diffmac/base';
import { diff } from './golden';
import { ops } from './opencv-ops';

describe('erodePlane matches cv2.erode with a ones kernel', () => {
  it.each(ops.erode.map((c, i) => ({ ...c, i })))('case $i: k=$k', (c) => {
    const got = erodePlane(Float32Array.from(c.img), c.w, c.h, c.k);
    expect(diff(got, Float32Array.from(c.out)).max).toBe(0);
  });
});

describe('gaussianBlurPlane matches cv2.GaussianBlur on float32', () => {
  it.each(ops.blur.map((c, i) => ({ ...c, i })))('case $i: k=$k', (c) => {
    const got = gaussianBlurPlane(Float32Array.from(c.img), c.w, c.h, c.k);
    expect(diff(got, Float32Array.from(c.out)).max).toBeLessThan(1e-6);
  });
  it('a window of a zero-padded plane gives the same values as the full plane', () => {
    const W = 40, H = 30;
    const full = new Float32Array(W * H);
    for (let y = 10; y < 20; y++) for (let x = 0; x < 15; x++) full[y * W + x] = ((x * 7 + y * 3) % 11) / 10;
    const whole = gaussianBlurPlane(full, W, H, 9);
    const wx = 0, wy = 4, ww = 22, wh = 22;
    const part = new Float32Array(ww * wh);
    for (let y = 0; y < wh; y++) for (let x = 0; x < ww; x++) part[y * ww + x] = full[(y + wy) * W + x + wx]!;
    const win = gaussianBlurPlane(part, ww, wh, 9, 0, { x: wx, y: wy, imageWidth: W, imageHeight: H });
    for (let y = 0; y < wh; y++) for (let x = 0; x < ww; x++) expect(win[y * ww + x]).toBe(whole[(y + wy) * W + x + wx]);
  });
  it('kernels equal cv2.getGaussianKernel(k, 0, CV_32F) bit for bit, k = 1..201', () => {
    for (const [k, v] of Object.entries(ops.gaussian_kernels)) expect([...getGaussianKernel(Number(k))]).toEqual(v);
  });
  it('kernel sums to one and uses the sigma rule', () => {
    const k = getGaussianKernel(27);
    expect(k.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    const s = 0.3 * (13 - 1) + 0.8;
    expect(k[13]! / k[12]!).toBeCloseTo(Math.exp(0.5 / (s * s)), 5);
  });
});
