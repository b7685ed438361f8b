import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { imresizeMatlab } from '../src/index';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/imresize-half.json', import.meta.url), 'utf8')) as {
  cases: { h: number; w: number; oh: number; ow: number; src: number[]; dst: number[] }[];
};

describe("MATLAB-style bicubic imresize at 1/2 is bit-identical to BasicSR's torch float32 one", () => {
  for (const c of fixture.cases) {
    // bit-exact when the width is a multiple of 16 (every NIQE image: multiples of 96); OpenBLAS
    // handles other widths' leftover rows with another summation order, within float32 rounding
    const exact = c.w % 16 === 0;
    it(`${c.h}x${c.w} -> ${c.oh}x${c.ow} (${exact ? 'bit-exact' : 'within 1 float32 ulp'})`, () => {
      const out = imresizeMatlab({ width: c.w, height: c.h, data: Float32Array.from(c.src) }, 0.5, true);
      expect([out.height, out.width]).toEqual([c.oh, c.ow]);
      let mismatches = 0;
      let maxDiff = 0;
      out.data.forEach((v, i) => {
        const want = Math.fround(c.dst[i] as number);
        if (v !== want) mismatches++;
        maxDiff = Math.max(maxDiff, Math.abs(v - want));
      });
      if (exact) expect(mismatches).toBe(0);
      else expect(maxDiff).toBeLessThanOrEqual(2 ** -23);
    });
  }
  it('keeps a constant image constant and does not mutate its input', () => {
    const data = new Float32Array(16 * 12).fill(0.25);
    const out = imresizeMatlab({ width: 16, height: 12, data }, 0.5);
    expect(out.width).toBe(8);
    expect(out.height).toBe(6);
    for (const v of out.data) expect(v).toBeCloseTo(0.25, 6);
    expect(data.every((v) => v === 0.25)).toBe(true);
  });
});
