import { describe, expect, it } from 'vitest';
import { borderIndex, type ColorImage, DiffmacError } from '@diffmac/base';
import { warpAffine } from '../src/warp/warp-affine';
import { diff } from './golden';
import { ops } from './opencv-ops';

const asMatrix = (m: number[]) => m as unknown as [number, number, number, number, number, number];

describe('warpAffine matches cv2.warpAffine (INTER_LINEAR)', () => {
  it.each(ops.warp.map((c, i) => ({ ...c, i })))('case $i: $border, $cn channels', (c) => {
    const img: ColorImage = { width: c.w, height: c.h, channels: c.cn, data: Uint8Array.from(c.img) };
    const got = warpAffine(img, asMatrix(c.matrix), { width: c.ow, height: c.oh, border: c.border, borderValue: c.borderValue });
    expect(got.data).toBeInstanceOf(Uint8Array);
    expect(diff(got.data, c.out).max).toBe(0);
    const fimg: ColorImage = { width: c.w, height: c.h, channels: c.cn, data: Float32Array.from(c.fimg) };
    const fgot = warpAffine(fimg, asMatrix(c.matrix), { width: c.ow, height: c.oh, border: c.border, borderValue: c.fborderValue });
    expect(fgot.data).toBeInstanceOf(Float32Array);
    expect(diff(fgot.data, c.fout).max).toBeLessThan(1e-6);
  });

  it('does not mutate its input and honours inverseMap', () => {
    const data = Uint8Array.from({ length: 4 * 4 * 3 }, (_, i) => i);
    const img: ColorImage = { width: 4, height: 4, channels: 3, data };
    const copy = data.slice();
    const shifted = warpAffine(img, [1, 0, 1, 0, 1, 0], { width: 4, height: 4, borderValue: [9, 9, 9] });
    const back = warpAffine(img, [1, 0, -1, 0, 1, 0], { width: 4, height: 4, borderValue: [9, 9, 9], inverseMap: true });
    expect(data).toEqual(copy);
    expect(shifted.data).toEqual(back.data);
    expect([...shifted.data.slice(0, 6)]).toEqual([9, 9, 9, 0, 1, 2]);
  });
});

describe('borderIndex follows OpenCV borderInterpolate', () => {
  it.each([
    [-1, 5, 'reflect', 0], [-2, 5, 'reflect', 1], [5, 5, 'reflect', 4], [6, 5, 'reflect', 3],
    [-1, 5, 'reflect101', 1], [5, 5, 'reflect101', 3], [-7, 5, 'reflect101', 1], [-3, 1, 'reflect101', 0],
    [-1, 5, 'constant', -1], [9, 5, 'replicate', 4],
  ] as const)('%i in %i (%s) -> %i', (p, len, mode, want) => {
    expect(borderIndex(p, len, mode)).toBe(want);
  });
});

describe('warpAffine rejects bad input with typed errors', () => {
  const img: ColorImage = { width: 2, height: 2, channels: 3, data: new Uint8Array(12) };
  const cases: [string, () => unknown, string, string][] = [
    ['zero-size image', () => warpAffine({ ...img, width: 0, data: new Uint8Array(0) }, [1, 0, 0, 0, 1, 0], { width: 2, height: 2 }), 'IMAGE_EMPTY', 'image'],
    ['channel mismatch', () => warpAffine({ ...img, channels: 4 }, [1, 0, 0, 0, 1, 0], { width: 2, height: 2 }), 'INVALID_IMAGE', 'image'],
    ['grey image', () => warpAffine({ ...img, channels: 1 as 3, data: new Uint8Array(4) }, [1, 0, 0, 0, 1, 0], { width: 2, height: 2 }), 'IMAGE_CHANNELS', 'image'],
    ['zero output', () => warpAffine(img, [1, 0, 0, 0, 1, 0], { width: 0, height: 2 }), 'INVALID_SIZE', 'options.width'],
    ['bad border', () => warpAffine(img, [1, 0, 0, 0, 1, 0], { width: 2, height: 2, border: 'wrap' as 'reflect' }), 'INVALID_BORDER', 'options.border'],
    ['bad border value', () => warpAffine(img, [1, 0, 0, 0, 1, 0], { width: 2, height: 2, borderValue: [1] }), 'INVALID_BORDER_VALUE', 'options.borderValue'],
    ['NaN matrix', () => warpAffine(img, [1, 0, 0, 0, Number.NaN, 0], { width: 2, height: 2 }), 'INVALID_MATRIX', 'matrix[4]'],
    ['short matrix', () => warpAffine(img, [1, 0, 0] as never, { width: 2, height: 2 }), 'INVALID_MATRIX', 'matrix'],
  ];
  it.each(cases)('%s', (_n, run, code, argument) => {
    let error: unknown;
    try {
      run();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DiffmacError);
    expect((error as DiffmacError).code).toBe(code);
    expect((error as DiffmacError).argument).toBe(argument);
  });
});

describe('warpOnes', () => {
  it('equals the float warp of an all-ones plane', async () => {
    const { warpBilinear, warpOnes } = await import('@diffmac/base');
    const inverse = [0.37, -0.11, 3.3, 0.11, 0.37, -2.7] as const;
    const win = { x: 0, y: 0, width: 90, height: 80 };
    const a = new Float32Array(90 * 80), b = new Float32Array(90 * 80);
    warpBilinear({ data: new Float32Array(20 * 18).fill(1), width: 20, height: 18, channels: 1 }, inverse, a, win, 'constant', [0]);
    warpOnes(20, 18, inverse, b, win);
    expect(b).toEqual(a);
    expect(a.some((v) => v > 0 && v < 1)).toBe(true);
  });
});
