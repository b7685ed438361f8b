import { describe, expect, it } from 'vitest';
import { DiffmacError } from '@diffmac/base';
import { estimateSimilarity, estimateSimilarityWithInliers } from '../src/geometry/estimate-similarity';
import { applyAffine, composeAffine, invertAffine, type AffineMatrix } from '../src/geometry/affine';
import { ffhqTemplate, ffhqTemplateWithSize } from '../src/geometry/template';
import { ops } from './opencv-ops';

describe('estimateSimilarity lmeds matches cv2.estimateAffinePartial2D(LMEDS)', () => {
  it.each(ops.lmeds.map((c, i) => ({ ...c, i })))('case $i', (c) => {
    const { matrix, inliers } = estimateSimilarityWithInliers(c.src, c.dst, { method: 'lmeds' });
    expect([...inliers]).toEqual(c.inliers);
    const scale = Math.hypot(c.matrix![0]!, c.matrix![3]!);
    for (const k of [0, 1, 3, 4]) expect(Math.abs(matrix[k]! - c.matrix![k]!)).toBeLessThan(1e-6 * Math.max(1, scale));
    for (const k of [2, 5]) expect(Math.abs(matrix[k]! - c.matrix![k]!)).toBeLessThan(1e-3);
  });
});

describe('estimateSimilarity lstsq', () => {
  it('recovers an exact similarity', () => {
    const m: AffineMatrix = [1.5 * Math.cos(0.3), -1.5 * Math.sin(0.3), 12, 1.5 * Math.sin(0.3), 1.5 * Math.cos(0.3), -7];
    const src: [number, number][] = [[10, 20], [50, 22], [30, 60], [15, 80]];
    const got = estimateSimilarity(src, applyAffine(m, src), { method: 'lstsq' });
    got.forEach((v, i) => expect(v).toBeCloseTo(m[i]!, 10));
  });
  it('two points give the exact two-point similarity in both methods', () => {
    const src: [number, number][] = [[0, 0], [10, 0]];
    const dst: [number, number][] = [[5, 5], [5, 25]];
    for (const method of ['lstsq', 'lmeds'] as const) {
      const m = estimateSimilarity(src, dst, { method });
      expect(applyAffine(m, src).flat().map((v) => Math.round(v * 1e9) / 1e9)).toEqual([5, 5, 5, 25]);
    }
  });
});

describe('bad landmarks get typed errors naming the argument', () => {
  const tpl = ffhqTemplate(512);
  const cases: [string, () => unknown, string, string][] = [
    ['fewer than 2', () => estimateSimilarity([[1, 2]], [[3, 4]]), 'TOO_FEW_LANDMARKS', 'src'],
    ['NaN', () => estimateSimilarity([[1, Number.NaN], [2, 3], [4, 5], [1, 1], [0, 0]], tpl), 'INVALID_LANDMARKS', 'src[0]'],
    ['coincident', () => estimateSimilarity([[3, 3], [3, 3], [3, 3], [3, 3], [3, 3]], tpl), 'DEGENERATE_LANDMARKS', 'src'],
    ['coincident lstsq', () => estimateSimilarity([[3, 3], [3, 3]], [[0, 0], [1, 1]], { method: 'lstsq' }), 'DEGENERATE_LANDMARKS', 'src'],
    ['count mismatch', () => estimateSimilarity([[0, 0], [1, 1], [2, 0]], [[0, 0], [1, 1]]), 'LANDMARK_COUNT_MISMATCH', 'dst'],
    ['unknown method', () => estimateSimilarity(tpl, tpl, { method: 'ransac' as 'lmeds' }), 'INVALID_METHOD', 'options.method'],
    ['bad template size', () => ffhqTemplate(0), 'INVALID_SIZE', 'size'],
    ['bad crop ratio', () => ffhqTemplate(512, { cropRatio: [0.5, 1] }), 'INVALID_CROP_RATIO', 'options.cropRatio[0]'],
    ['singular inverse', () => invertAffine([0, 0, 1, 0, 0, 1]), 'SINGULAR_MATRIX', 'matrix'],
    ['NaN matrix', () => invertAffine([1, 0, Number.NaN, 0, 1, 0]), 'INVALID_MATRIX', 'matrix[2]'],
  ];
  it.each(cases)('%s', (_name, run, code, argument) => {
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

describe('affine helpers and templates', () => {
  it('invert and compose give identity', () => {
    const m: AffineMatrix = [1.2, -0.3, 5, 0.3, 1.2, -9];
    const id = composeAffine(m, invertAffine(m));
    [1, 0, 0, 0, 1, 0].forEach((v, i) => expect(id[i]).toBeCloseTo(v, 12));
  });
  it('template scales with size and crop ratio moves it like facexlib', () => {
    expect(ffhqTemplate(256)[2]).toEqual([256.63416 / 2, 314.01935 / 2]);
    const t = ffhqTemplateWithSize(512, { cropRatio: [1.5, 1.25] });
    expect([t.width, t.height]).toEqual([640, 768]);
    expect(t.points[0][0]).toBeCloseTo(192.98138 + 64, 9);
    expect(t.points[0][1]).toBeCloseTo(239.94708 + 128, 9);
  });
});

describe('matrices in either layout', () => {
  it('nested 2x3 and typed arrays are accepted wherever a matrix is', async () => {
    const { toAffine } = await import('../src/geometry/affine');
    expect(toAffine([[1, 2, 3], [4, 5, 6]])).toEqual([1, 2, 3, 4, 5, 6]);
    expect(toAffine(Float64Array.from([1, 0, 2, 0, 1, 3]))).toEqual([1, 0, 2, 0, 1, 3]);
    expect(invertAffine([[2, 0, 10], [0, 2, 20]])).toEqual([0.5, -0, -5, -0, 0.5, -10]);
    expect(() => toAffine([[1, 2], [3, 4]] as never)).toThrow(DiffmacError);
  });
});

describe('OpenCvRng', () => {
  it('matches a 64-bit BigInt reference of cv::RNG::next', async () => {
    const { OpenCvRng } = await import('../src/geometry/opencv-rng');
    const rng = new OpenCvRng(0xffffffffffffffffn);
    let s = 0xffffffffffffffffn;
    for (let i = 0; i < 1000; i++) {
      s = BigInt.asUintN(64, (s & 0xffffffffn) * 4164903690n + (s >> 32n));
      expect(rng.next()).toBe(Number(s & 0xffffffffn));
    }
  });
});
