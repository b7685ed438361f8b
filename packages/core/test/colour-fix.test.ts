import { describe, expect, it } from 'vitest';
import { DiffmacError, createRng } from '../src/index';
import { adainColourFix, colourFix, waveletColourFix, waveletDecompose } from '../src/colour/colour-fix';

function rand(shape: number[], seed: number, scale = 1, offset = 0) {
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  createRng(seed).normal(data);
  for (let i = 0; i < data.length; i++) data[i] = data[i]! * scale + offset;
  return { data, shape };
}

function meanVar(d: Float32Array, off: number, n: number): [number, number] {
  let s = 0;
  for (let i = 0; i < n; i++) s += d[off + i]!;
  const m = s / n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (d[off + i]! - m) ** 2;
  return [m, v / (n - 1)];
}

/** Direct 2-D form of PROTOCOLS §5: replicate-pad by r, 3x3 [1,2,1]x[1,2,1]/16 kernel with dilation r. */
function blur2d(src: Float32Array, h: number, w: number, r: number): Float64Array {
  const k = [1, 2, 1];
  const at = (y: number, x: number) => src[Math.min(h - 1, Math.max(0, y)) * w + Math.min(w - 1, Math.max(0, x))]!;
  const out = new Float64Array(h * w);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) s += (k[i]! * k[j]! * at(y + (i - 1) * r, x + (j - 1) * r)) / 16;
      out[y * w + x] = s;
    }
  return out;
}

describe('AdaIN colour fix', () => {
  it('matches the hand-computed closed form on a 2x2 channel', () => {
    const x = { data: new Float32Array([0, 1, 2, 3]), shape: [1, 1, 2, 2] };
    const ref = { data: new Float32Array([0.1, 0.1, 0.3, 0.3]), shape: [1, 1, 2, 2] };
    const out = adainColourFix(x, ref, { clamp: false }).data;
    const sx = Math.sqrt(5 / 3 + 1e-5);
    const sr = Math.sqrt(0.04 / 3 + 1e-5);
    for (let i = 0; i < 4; i++) expect(out[i]).toBeCloseTo(((i - 1.5) / sx) * sr + 0.2, 6);
  });

  it('gives every channel the reference mean and the std sqrt(vx/(vx+eps)*(vr+eps))', () => {
    const x = rand([2, 3, 8, 6], 1, 0.3, 0.5);
    const ref = rand([2, 3, 4, 5], 2, 0.1, 0.4); // the reference may have another size
    const out = adainColourFix(x, ref, { clamp: false });
    expect(out.shape).toEqual([2, 3, 8, 6]);
    for (let p = 0; p < 6; p++) {
      const [mo, vo] = meanVar(out.data as Float32Array, p * 48, 48);
      const [, vx] = meanVar(x.data, p * 48, 48);
      const [mr, vr] = meanVar(ref.data, p * 20, 20);
      expect(mo).toBeCloseTo(mr, 5);
      expect(vo).toBeCloseTo((vx / (vx + 1e-5)) * (vr + 1e-5), 5);
    }
  });

  it('clamps to [0, 1] by default and never mutates its inputs', () => {
    const x = rand([1, 3, 4, 4], 3);
    const ref = rand([1, 3, 4, 4], 4, 2, 0.5);
    const before = Float32Array.from(x.data);
    const out = adainColourFix(x, ref).data as Float32Array;
    expect(Math.min(...out)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...out)).toBeLessThanOrEqual(1);
    expect(out.some((v) => v === 0) && out.some((v) => v === 1)).toBe(true);
    expect(x.data).toEqual(before);
  });

  it('rejects mismatched batches or channels with a typed error', () => {
    try {
      adainColourFix(rand([1, 3, 4, 4], 1), rand([1, 1, 4, 4], 2));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DiffmacError);
      expect((e as DiffmacError).code).toBe('TENSOR_SHAPE_MISMATCH');
      expect((e as DiffmacError).argument).toBe('reference');
    }
  });
});

describe('wavelet colour fix', () => {
  it('blurs an impulse with the [1,2,1]x[1,2,1]/16 kernel at dilation 2^i', () => {
    const h = 17, w = 17;
    const img = new Float32Array(h * w);
    img[8 * w + 8] = 1;
    // one level: the kernel itself around the centre
    const one = waveletDecompose({ data: img, shape: [1, 1, h, w] }, 1).low.data as Float32Array;
    expect(one[8 * w + 8]).toBeCloseTo(0.25, 7);
    expect(one[8 * w + 9]).toBeCloseTo(0.125, 7);
    expect(one[7 * w + 9]).toBeCloseTo(0.0625, 7);
    expect(one[8 * w + 10]).toBe(0);
    // two levels: the second blur has dilation 2, so the support reaches offset 1 + 2 = 3
    const two = waveletDecompose({ data: img, shape: [1, 1, h, w] }, 2).low.data as Float32Array;
    // along x: 1/4 (offset +1) * 1/4 (offset +2); along y: 1/2 * 1/2 (both centres)
    expect(two[8 * w + 11]).toBeCloseTo(0.25 * 0.25 * 0.25, 7);
    expect(two[8 * w + 12]).toBe(0);
    let sum = 0;
    for (const v of two) sum += v;
    expect(sum).toBeCloseTo(1, 6);
  });

  it('equals the direct 2-D replicate-padded dilated convolution on random data', () => {
    const h = 13, w = 11;
    const x = rand([1, 1, h, w], 5);
    let current = Float32Array.from(x.data);
    for (let i = 0; i < 5; i++) current = Float32Array.from(blur2d(current, h, w, 2 ** i));
    const { low, high } = waveletDecompose(x, 5);
    for (let k = 0; k < h * w; k++) {
      expect((low.data as Float32Array)[k]).toBeCloseTo(current[k]!, 5);
      expect((low.data as Float32Array)[k]! + (high.data as Float32Array)[k]!).toBeCloseTo(x.data[k]!, 5);
    }
  });

  it('keeps the image when the reference is the image, and takes a flat image to the reference low band', () => {
    const x = rand([1, 3, 16, 16], 6, 0.2, 0.5);
    const same = waveletColourFix(x, x, { clamp: false }).data as Float32Array;
    for (let i = 0; i < same.length; i++) expect(same[i]).toBeCloseTo(x.data[i]!, 5);
    const flat = { data: new Float32Array(x.data.length).fill(0.3), shape: [1, 3, 16, 16] };
    const ref = rand([1, 3, 16, 16], 7, 0.1, 0.6);
    const out = waveletColourFix(flat, ref, { clamp: false }).data as Float32Array;
    const refLow = waveletDecompose(ref, 5).low.data as Float32Array;
    for (let i = 0; i < out.length; i++) expect(out[i]).toBeCloseTo(refLow[i]!, 6);
  });

  it('moves a colour cast onto the reference while keeping detail (low band of the output = low band of the reference)', () => {
    const ref = rand([1, 3, 32, 32], 8, 0.05, 0.5);
    const cast = { data: Float32Array.from(ref.data, (v, i) => v + (i < 1024 ? 0.2 : -0.1)), shape: ref.shape };
    const out = colourFix('wavelet', cast, ref);
    const lowOut = waveletDecompose(out, 5).low.data as Float32Array;
    const lowRef = waveletDecompose(ref, 5).low.data as Float32Array;
    let err = 0;
    for (let i = 0; i < lowOut.length; i++) err = Math.max(err, Math.abs(lowOut[i]! - lowRef[i]!));
    expect(err).toBeLessThan(0.05);
    expect(() => colourFix('sepia' as 'none', cast, ref)).toThrow(DiffmacError);
    expect(() => waveletColourFix(cast, rand([1, 3, 16, 16], 1))).toThrow(/reference/);
  });
});
