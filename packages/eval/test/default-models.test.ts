import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetric, type Metric } from '../src/index';
import { readPng } from './golden';

describe("default identity embedder and landmark detector come from @diffmac/face-align (no download)", () => {
  let idcos: Metric;
  let lmd: Metric;
  beforeAll(async () => {
    idcos = await createMetric('idcos');
    lmd = await createMetric('lmd');
  });
  afterAll(async () => {
    await idcos.dispose();
    await lmd.dispose();
  });
  it('idcos: a degraded copy is closer to its original than another person is', async () => {
    const adele = await readPng('images/gt/adele.png');
    const adeleJpeg = await readPng('images/lq/P07_adele_gfpgan_chain.png');
    const julia = await readPng('images/gt/julia_roberts.png');
    const same = await idcos.score(adeleJpeg, adele);
    const other = await idcos.score(julia, adele);
    expect(await idcos.score(adele, adele)).toBeCloseTo(1, 6);
    expect(same).toBeGreaterThan(other);
  });
  it('lmd: zero against itself, small for a mildly degraded copy, larger for another face', async () => {
    const gt = await readPng('images/gt/julia_roberts.png');
    const lq = await readPng('images/lq/P08_julia_roberts_blur_s1.5_jpeg_q80.png');
    expect(await lmd.score(gt, gt)).toBe(0);
    const d = await lmd.score(lq, gt);
    expect(d).toBeGreaterThan(0);
    expect(d).toBeLessThan(10);
    const other = await lmd.score(await readPng('images/gt/adele.png'), gt);
    expect(other).toBeGreaterThan(d);
  });
});
