import { describe, expect, it } from 'vitest';
import { klToStandardNormal, RateAccumulator } from '../src/index';
import { codeOf, tensor } from './helpers';

describe('RateAccumulator', () => {
  const values = [3.5, 1.25, 8, 0, 2.75, 6.5, 4];

  it('totals, mean, population std, min/max and bits per element over images', () => {
    const acc = new RateAccumulator();
    for (const v of values) acc.addImage(v, 16);
    const s = acc.compute();
    const mean = values.reduce((a, b) => a + b) / values.length;
    const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
    expect(s.images).toBe(7);
    expect(s.elements).toBe(7 * 16);
    expect(s.totalBits).toBeCloseTo(26, 12);
    expect(s.meanBitsPerImage).toBeCloseTo(mean, 12);
    expect(s.stdBitsPerImage).toBeCloseTo(std, 12);
    expect([s.minBitsPerImage, s.maxBitsPerImage]).toEqual([0, 8]);
    expect(s.bitsPerElement).toBeCloseTo(26 / 112, 12);
  });

  it('merging split accumulators (also through JSON) equals one pass', () => {
    const whole = new RateAccumulator();
    for (const v of values) whole.addImage(v, 4);
    const a = new RateAccumulator();
    const b = new RateAccumulator();
    values.forEach((v, i) => (i < 3 ? a : b).addImage(v, 4));
    const viaJson = new RateAccumulator(JSON.parse(JSON.stringify(a.toJSON())));
    viaJson.merge(JSON.parse(JSON.stringify(b)));
    for (const merged of [new RateAccumulator().merge(a).merge(b), viaJson]) {
      const [m, w] = [merged.compute(), whole.compute()];
      expect(m.images).toBe(w.images);
      expect(m.totalBits).toBeCloseTo(w.totalBits, 12);
      expect(m.stdBitsPerImage).toBeCloseTo(w.stdBitsPerImage, 12);
      expect([m.minBitsPerImage, m.maxBitsPerImage]).toEqual([w.minBitsPerImage, w.maxBitsPerImage]);
    }
    expect(new RateAccumulator().merge(new RateAccumulator()).compute().images).toBe(0);
  });

  it('keeps the spread of nearly equal large rates (no E[x²] − E[x]² cancellation)', () => {
    const acc = new RateAccumulator();
    for (const d of [-1, 1, -1, 1]) acc.addImage(1e6 + d * 1e-3, 1);
    expect(acc.compute().stdBitsPerImage).toBeCloseTo(1e-3, 8);
  });

  it('adds a Rate from a compress call, image by image', () => {
    const rate = klToStandardNormal({ mean: tensor([1, 0, 2, 0], [2, 2]), logVar: tensor([0, 0, 0, 0], [2, 2]) });
    const s = new RateAccumulator().add(rate).compute();
    expect(s.images).toBe(2);
    expect(s.elements).toBe(4);
    expect(s.minBitsPerImage).toBeCloseTo(0.5 / Math.LN2, 12);
    expect(s.maxBitsPerImage).toBeCloseTo(2 / Math.LN2, 12);
  });

  it('rejects bad input with typed errors, and reports NaN means when empty', () => {
    const acc = new RateAccumulator();
    expect(Number.isNaN(acc.compute().meanBitsPerImage)).toBe(true);
    expect(codeOf(() => acc.addImage(-1, 1))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => acc.addImage(1, 0))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => acc.add({} as never))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => acc.merge({ type: 'other' } as never))).toBe('INVALID_STATE');
  });
});
