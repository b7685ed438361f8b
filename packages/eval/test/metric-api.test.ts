import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DiffmacError,
  ScoreAccumulator,
  createMetric,
  getProtocol,
  listMetrics,
  listProtocols,
  psnr,
  ssim,
  type IdentityEmbedder,
} from '../src/index';
import { readPng } from './golden';

describe('ScoreAccumulator', () => {
  it('mean of per-image scores by default, median on request, NaN refused', () => {
    const acc = new ScoreAccumulator('psnr');
    [30, 20, 40, 10].forEach((s) => acc.update(s));
    expect(acc.compute()).toMatchObject({ metric: 'psnr', value: 25, count: 4, dropped: 0, reduction: 'mean', higherIsBetter: true });
    const med = new ScoreAccumulator('psnr', { reduction: 'median' });
    [3, 1, 2].forEach((s) => med.update(s));
    expect(med.compute().value).toBe(2);
    expect(() => acc.update(Number.NaN)).toThrow(DiffmacError);
  });
  it('merge of worker states equals one accumulator over everything', () => {
    const whole = new ScoreAccumulator('ssim');
    const a = new ScoreAccumulator('ssim');
    const b = new ScoreAccumulator('ssim');
    [0.9, 0.8, 0.7, 0.95, 0.85].forEach((s, i) => {
      whole.update(s, `img${i}`);
      (i % 2 ? a : b).update(s, `img${i}`);
    });
    const merged = new ScoreAccumulator('ssim').merge(structuredClone(a.state())).merge(b);
    expect(merged.compute().value).toBeCloseTo(whole.compute().value, 15);
    expect(merged.size).toBe(5);
    expect(() => merged.merge(new ScoreAccumulator('psnr'))).toThrow(/Cannot merge psnr/);
  });
  it('dropBelow leaves scores out and counts them', () => {
    const acc = new ScoreAccumulator('deg', { dropBelow: 1, higherIsBetter: false });
    [0.5, 10, 20].forEach((s) => acc.update(s));
    expect(acc.compute()).toMatchObject({ value: 15, count: 2, dropped: 1 });
  });
});

describe('metric table and protocols', () => {
  it('lists metrics with their direction, and protocols with what they change', () => {
    const names = listMetrics().map((m) => m.name);
    expect(names).toEqual(['psnr', 'psnr-y', 'ssim', 'ssim-y', 'niqe', 'lpips', 'idcos', 'deg', 'lmd', 'fid']);
    expect(listMetrics().find((m) => m.name === 'lpips')!.higherIsBetter).toBe(false);
    expect(listProtocols().map((p) => p.name)).toEqual(['basicsr', 'vqfr', 'restoreformer++', 'pmrf']);
    for (const p of listProtocols()) expect(p.changes.length).toBeGreaterThan(0);
    expect(getProtocol('restoreformer++')).toMatchObject({ lpipsChannelOrder: 'bgr', identityUnit: 'radians' });
  });
  it('unknown names get typed errors listing the valid ones', async () => {
    const e1 = await createMetric('psnrr').catch((e: unknown) => e);
    expect((e1 as DiffmacError).code).toBe('UNKNOWN_METRIC');
    expect((e1 as DiffmacError).message).toContain('psnr-y');
    expect(() => getProtocol('gfpgan')).toThrow(/valid: basicsr, vqfr, restoreformer\+\+, pmrf/);
  });
  it("createMetric('psnr-y') and ('ssim') under basicsr are the pure functions", async () => {
    const img = await readPng('images/lq/P01_adele_blur.png');
    const gt = await readPng('images/gt/adele.png');
    const m = await createMetric('psnr-y', { cropBorder: 4 });
    expect(await m.score(img, gt)).toBe(psnr(img, gt, { cropBorder: 4, yChannel: true }));
    const s = await createMetric('ssim');
    const acc = s.accumulator();
    await acc.update(img, gt, 'P01');
    acc.add(0.5);
    expect(acc.compute().value).toBeCloseTo((ssim(img, gt) + 0.5) / 2, 15);
    expect(acc.compute().protocol).toBe('basicsr');
  });
});

describe('vqfr protocol: mean/std correction before PSNR/SSIM', () => {
  const gt = { width: 32, height: 32, channels: 3 as const, data: new Uint8Array(32 * 32 * 3).map((_, i) => ((i * 37) % 100) * 2 + 20) };
  // a per-channel affine change of the ground truth: the correction undoes it (up to float32 rounding)
  const shifted = { ...gt, data: gt.data.map((v, i) => (i % 3 === 0 ? v / 2 + 40 : i % 3 === 1 ? v - 15 : v)) };
  it('an affine colour cast costs PSNR under basicsr but not under vqfr', async () => {
    const plain = await (await createMetric('psnr')).score(shifted, gt);
    const vqfr = await (await createMetric('psnr', { protocol: 'vqfr' })).score(shifted, gt);
    expect(plain).toBeLessThan(30);
    expect(vqfr).toBeGreaterThan(90);
    const ssimV = await (await createMetric('ssim-y', { protocol: 'vqfr' })).score(shifted, gt);
    expect(ssimV).toBeCloseTo(1, 6);
  });
});

describe('identity metrics over the embedder interface', () => {
  // a fake embedder: the embedding is the image's mean colour, so angles are known in closed form
  const embedder: IdentityEmbedder = {
    embed: async (faces) =>
      faces.map((f) => {
        const s = [0, 0, 0];
        for (let i = 0; i < f.data.length; i++) s[i % 3]! += f.data[i] as number;
        return s;
      }),
    dispose: async () => {},
  };
  const solid = (r: number, g: number, b: number) => ({ width: 4, height: 4, channels: 3 as const, data: new Uint8Array(48).map((_, i) => [r, g, b][i % 3]!) });
  it('deg: degrees with VQFR dropping pairs under 1 degree, radians under restoreformer++', async () => {
    const vqfr = await createMetric('deg', { protocol: 'vqfr', embedder });
    const acc = vqfr.accumulator();
    expect(await acc.update(solid(100, 0, 0), solid(0, 100, 0))).toBeCloseTo(90, 10);
    expect(await acc.update(solid(100, 0, 0), solid(100, 1, 0))).toBeLessThan(1);
    expect(acc.compute()).toMatchObject({ value: expect.closeTo(90, 10), count: 1, dropped: 1, higherIsBetter: false, protocol: 'vqfr' });
    const rf = await createMetric('deg', { protocol: 'restoreformer++', embedder });
    expect(await rf.score(solid(100, 0, 0), solid(0, 100, 0))).toBeCloseTo(Math.PI / 2, 12);
    const rad = await createMetric('deg', { embedder, angleUnit: 'radians', dropBelowDegrees: 1 });
    const racc = rad.accumulator();
    await racc.update(solid(100, 0, 0), solid(0, 100, 0));
    await racc.update(solid(100, 0, 0), solid(100, 1, 0));
    expect(racc.compute()).toMatchObject({ value: expect.closeTo(Math.PI / 2, 12), count: 1, dropped: 1, protocol: 'basicsr' });
    const keepAll = (await createMetric('deg', { protocol: 'vqfr', embedder, dropBelowDegrees: null })).accumulator();
    await keepAll.update(solid(100, 0, 0), solid(100, 1, 0));
    expect(keepAll.compute().dropped).toBe(0);
    const cos = await createMetric('idcos', { embedder });
    expect(await cos.score(solid(100, 0, 0), solid(100, 100, 0))).toBeCloseTo(Math.SQRT1_2, 12);
  });
  it('full-reference metrics without a reference get MISSING_REFERENCE', async () => {
    const m = await createMetric('idcos', { embedder });
    const err = await m.score(solid(1, 2, 3)).catch((e: unknown) => e);
    expect((err as DiffmacError).code).toBe('MISSING_REFERENCE');
  });
});

describe('vqfr protocol against the steps of VQFR calculate_psnr_ssim.py (numpy fixture)', () => {
  const fixture = JSON.parse(readFileSync(new URL('./fixtures/vqfr-correction.json', import.meta.url), 'utf8')) as {
    pairs: { img: string; img2: string; psnr: number; ssim: number; psnr_y: number; ssim_y: number }[];
  };
  for (const p of fixture.pairs) {
    it(p.img, async () => {
      const img = await readPng(p.img);
      const gt = await readPng(p.img2);
      const score = async (name: string) => (await createMetric(name, { protocol: 'vqfr' })).score(img, gt);
      // numpy reduces float32 statistics pairwise in float32; we sum in float64 and round: agreement to ~1e-6 dB
      expect(Math.abs((await score('psnr')) - p.psnr)).toBeLessThan(1e-5);
      expect(Math.abs((await score('ssim')) - p.ssim)).toBeLessThan(1e-7);
      expect(Math.abs((await score('psnr-y')) - p.psnr_y)).toBeLessThan(1e-5);
      expect(Math.abs((await score('ssim-y')) - p.ssim_y)).toBeLessThan(1e-7);
    });
  }
});
