import { describe, expect, it } from 'vitest';
import { createRng as baseRng } from '@diffmac/base';
import { createRng as schedulerRng } from '@diffmac/scheduler';
import { DiffmacError, createRng, randn } from '@diffmac/core';

describe('rng re-export and randn', () => {
  it('is base’s generator (re-exported by scheduler and core), not a second one', () => {
    expect(createRng).toBe(baseRng);
    expect(schedulerRng).toBe(baseRng);
  });

  it('randn fills a float32 tensor with the stream’s normals', () => {
    const t = randn([2, 3, 4, 5], createRng(7));
    expect(t.shape).toEqual([2, 3, 4, 5]);
    expect(t.data).toBeInstanceOf(Float32Array);
    const expected = new Float32Array(120);
    createRng(7).normal(expected);
    expect(Array.from(t.data as Float32Array)).toEqual(Array.from(expected));
    const big = randn([20000], createRng('seed')).data as Float32Array;
    const mean = big.reduce((a, b) => a + b, 0) / big.length;
    const variance = big.reduce((a, b) => a + (b - mean) ** 2, 0) / big.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
    expect(Array.from(randn([4], createRng(1)).data as Float32Array)).not.toEqual(Array.from(randn([4], createRng(2)).data as Float32Array));
  });

  it('refuses bad shapes and sources', () => {
    expect(() => randn([2, -1], createRng(0))).toThrow(DiffmacError);
    expect(() => randn([2], {} as never)).toThrow(/rng/);
  });
});
