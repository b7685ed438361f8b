import { describe, expect, it } from 'vitest';
import { psnr, ssim } from '../src/index';
import { readGoldenJson, readPng } from './golden';

interface PairCase {
  id: string;
  img: string;
  img2: string;
  results: { crop_border: number; test_y_channel: boolean; psnr: number; ssim: number }[];
}
const expected = readGoldenJson<{ psnr_ssim: PairCase[] }>('expected.json');

describe('PSNR and SSIM match BasicSR on the visible golden pairs', () => {
  for (const pair of expected.psnr_ssim) {
    it(`${pair.id}`, async () => {
      const img = await readPng(pair.img);
      const img2 = await readPng(pair.img2);
      for (const r of pair.results) {
        const options = { cropBorder: r.crop_border, yChannel: r.test_y_channel };
        expect(Math.abs(psnr(img, img2, options) - r.psnr), `psnr ${JSON.stringify(options)}`).toBeLessThan(1e-9);
        expect(Math.abs(ssim(img, img2, options) - r.ssim), `ssim ${JSON.stringify(options)}`).toBeLessThan(1e-7);
        // symmetric, as the README says
        expect(psnr(img2, img, options)).toBe(psnr(img, img2, options));
      }
    });
  }
});
