import { describe, expect, it } from 'vitest';
import {
  bitsToNats,
  klDiagonalGaussians,
  klGaussianElement,
  klStandardNormalElement,
  klToStandardNormal,
  MibError,
  natsToBits,
  NeumaierSum,
} from '../src/index';
import { codeOf, errorOf, tensor } from './helpers';

// Closed form: KL(N(m1, s1²) ‖ N(m2, s2²)) = ln(s2/s1) + (s1² + (m1 − m2)²) / (2 s2²) − ½.
const klClosed = (m1: number, s1: number, m2: number, s2: number) => Math.log(s2 / s1) + (s1 * s1 + (m1 - m2) ** 2) / (2 * s2 * s2) - 0.5;

describe('KL between diagonal Gaussians', () => {
  it('matches the closed form element by element', () => {
    for (const [m1, s1, m2, s2] of [
      [0, 1, 0, 1],
      [1, 1, 0, 1],
      [0.3, 0.5, -0.2, 2],
      [-2, 3, 1, 0.25],
      [5, 0.01, 0, 1],
    ] as const) {
      const got = klGaussianElement(m1, Math.log(s1 * s1), m2, Math.log(s2 * s2));
      expect(got).toBeCloseTo(klClosed(m1, s1, m2, s2), 12);
      if (m2 === 0 && s2 === 1) expect(klStandardNormalElement(m1, Math.log(s1 * s1))).toBeCloseTo(klClosed(m1, s1, 0, 1), 12);
    }
  });

  it('keeps its digits when the variances nearly agree (expm1 form)', () => {
    // KL(N(0, e^lv) ‖ N(0, 1)) = ½(e^lv − 1 − lv) ≈ lv²/4 + lv³/12 for small lv.
    const lv = 1e-6;
    const series = (lv * lv) / 4 + (lv * lv * lv) / 12;
    expect(Math.abs(klStandardNormalElement(0, lv) - series) / series).toBeLessThan(1e-9);
    const naive = 0.5 * (Math.exp(lv) - 1 - lv);
    expect(Math.abs(naive - series) / series).toBeGreaterThan(1e-9); // why the expm1 form exists
  });

  it('sums per image and over the batch, in nats and bits', () => {
    const mean = tensor([1, 0, 0, 2, -1, 0.5], [2, 3]);
    const logVar = tensor([0, Math.log(4), 0, Math.log(0.25), 0, 0], [2, 3]);
    const r = klToStandardNormal({ mean, logVar });
    const img0 = klClosed(1, 1, 0, 1) + klClosed(0, 2, 0, 1) + klClosed(0, 1, 0, 1);
    const img1 = klClosed(2, 0.5, 0, 1) + klClosed(-1, 1, 0, 1) + klClosed(Math.fround(0.5), 1, 0, 1);
    expect(r.batch).toBe(2);
    expect(r.elementsPerImage).toBe(3);
    expect(r.nats).toBeCloseTo(img0 + img1, 6);
    expect(r.bits).toBeCloseTo((img0 + img1) / Math.LN2, 6);
    expect(r.bitsPerImage[0]).toBeCloseTo(img0 / Math.LN2, 6);
    expect(r.bitsPerImage[1]).toBeCloseTo(img1 / Math.LN2, 6);
    expect(r.bitsPerElement).toBeCloseTo((img0 + img1) / Math.LN2 / 6, 6);
  });

  it('KL(p ‖ q) over tensors equals the sum of closed forms, and is 0 for p = q', () => {
    const p = { mean: tensor([0.5, -1], [1, 2]), logVar: tensor([Math.log(2), 0], [1, 2]) };
    const q = { mean: tensor([0, 1], [1, 2]), logVar: tensor([0, Math.log(3)], [1, 2]) };
    const expected = klClosed(0.5, Math.SQRT2, 0, 1) + klClosed(-1, 1, 1, Math.sqrt(3));
    expect(klDiagonalGaussians(p, q).nats).toBeCloseTo(expected, 6);
    expect(klDiagonalGaussians(p, p).nats).toBe(0);
  });

  it('an infinite KL term makes an infinite rate, not NaN', () => {
    const r = klToStandardNormal({ mean: tensor([0, 0], [1, 2]), logVar: tensor([1000, 0], [1, 2]) });
    expect(r.bits).toBe(Infinity);
    expect(r.bitsPerImage[0]).toBe(Infinity);
  });

  it('rejects a mean/log-variance shape mismatch and non-finite values with typed errors', () => {
    const mean = tensor([0, 0, 0, 0], [1, 4]);
    expect(codeOf(() => klToStandardNormal({ mean, logVar: tensor([0, 0, 0, 0], [2, 2]) }))).toBe('SHAPE_MISMATCH');
    expect(codeOf(() => klToStandardNormal({ mean, logVar: tensor([0, 0, 0], [1, 3]) }))).toBe('SHAPE_MISMATCH');
    expect(codeOf(() => klToStandardNormal({ mean, logVar: tensor([0, Number.NaN, 0, 0], [1, 4]) }))).toBe('NON_FINITE');
    expect(codeOf(() => klToStandardNormal({ mean: tensor([0, 0], [1, 3]), logVar: tensor([0, 0], [1, 3]) }))).toBe('SHAPE_MISMATCH');
    expect(codeOf(() => klToStandardNormal({ mean: { data: [0, 0], shape: [1, 2] } as never, logVar: mean }))).toBe('INVALID_ARGUMENT');
    const e = errorOf(() => klToStandardNormal({ mean, logVar: tensor([0, 0], [1, 2]) }));
    expect(e).toBeInstanceOf(MibError);
    expect([e.argument, e.expected, e.received]).toEqual(['posterior.logVar', '[1, 4]', '[1, 2]']);
  });
});

describe('units and sums', () => {
  it('converts nats and bits', () => {
    expect(natsToBits(Math.LN2 * 3)).toBeCloseTo(3, 15);
    expect(bitsToNats(2)).toBeCloseTo(2 * Math.LN2, 15);
  });

  it('compensated sums beat naive float64 sums', () => {
    const s = new NeumaierSum();
    let naive = 0;
    for (const x of [1e16, 1, 1, 1, 1, -1e16]) {
      s.add(x);
      naive += x;
    }
    expect(s.value).toBe(4);
    expect(naive).not.toBe(4);
    const inf = new NeumaierSum();
    inf.add(1);
    inf.add(Infinity);
    inf.add(2);
    expect(inf.value).toBe(Infinity);
  });
});
