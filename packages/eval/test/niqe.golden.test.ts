import { describe, expect, it } from 'vitest';
import { niqe, niqeFeatures, niqeLuma, type NiqeParams } from '../src/index';
import { readGoldenJson, readPng } from './golden';

interface ParamsJson {
  mu_pris_param: number[] | number[][];
  cov_pris_param: number[][];
  gaussian_window: number[][];
}
const raw = readGoldenJson<ParamsJson>('niqe_pris_params.json');
export const niqeParams: NiqeParams = {
  mu: Float64Array.from((raw.mu_pris_param as unknown[]).flat(2) as number[]),
  cov: Float64Array.from(raw.cov_pris_param.flat()),
  gaussianWindow: Float64Array.from(raw.gaussian_window.flat()),
};
const expected = readGoldenJson<{ niqe: { image: string; crop_border: number; niqe: number }[] }>('expected.json');
const debug = readGoldenJson<{ niqe_block_features: { image: string; features_scale1: number[][]; features_scale2: number[][] }[] }>(
  'debug_visible.json',
);

describe('NIQE matches BasicSR (float32 intermediates) on the visible golden images', () => {
  for (const c of expected.niqe) {
    it(c.image, async () => {
      const img = await readPng(c.image);
      const value = niqe(img, { cropBorder: c.crop_border, params: niqeParams });
      expect(Math.abs(value - c.niqe), `got ${value}`).toBeLessThan(1e-4);
    });
  }
});

describe('NIQE block features agree with the reference run', () => {
  for (const d of debug.niqe_block_features.slice(0, 3)) {
    it(d.image, async () => {
      const img = await readPng(d.image);
      const rows = niqeFeatures(niqeLuma(img, 0), niqeParams.gaussianWindow);
      let maxDiff = 0;
      let alphaFlips = 0;
      rows.forEach((row, b) => {
        const ref = [...(d.features_scale1[b] as number[]), ...(d.features_scale2[b] as number[])];
        row.forEach((v, f) => {
          const diff = Math.abs(v - (ref[f] as number));
          if (diff > 1e-4) alphaFlips++;
          else maxDiff = Math.max(maxDiff, diff);
        });
      });
      expect(maxDiff).toBeLessThan(1e-6);
      expect(alphaFlips).toBeLessThanOrEqual(2);
    });
  }
});

describe('NIQE parameter checks', () => {
  it('accepts plain number arrays and rejects wrong sizes with a typed error', async () => {
    const img = await readPng('images/gt/adele.png');
    const plain = { mu: Array.from(niqeParams.mu), cov: Array.from(niqeParams.cov), gaussianWindow: Array.from(niqeParams.gaussianWindow) };
    expect(niqe(img, { params: plain as unknown as NiqeParams })).toBe(niqe(img, { params: niqeParams }));
    expect(() => niqe(img, { params: { ...niqeParams, mu: niqeParams.mu.subarray(0, 18) } })).toThrow(/mu\(18\)/);
  });
});
