import { OnnxGraphBuilder } from '@diffmac/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiffmacError, createLpips, type Lpips } from '../src/index';
import { goldenPath, readGoldenJson, readPng } from './golden';

interface LinJson {
  lin_weights: Record<string, number[]>;
}
const lin = readGoldenJson<LinJson>('lpips/lpips_alex_lin_seed1.json');
const linearWeights = ['lin0', 'lin1', 'lin2', 'lin3', 'lin4'].map((k) => Float32Array.from(lin.lin_weights[k] as number[]));
const expected = readGoldenJson<{ lpips: { id: string; img0: string; img1: string; lpips: number; per_layer: number[] }[] }>('expected.json');

describe('LPIPS v0.1 over the random-weight AlexNet trunk matches the lpips package', () => {
  let lpips: Lpips;
  beforeAll(async () => {
    lpips = await createLpips({ trunk: goldenPath('lpips/lpips_alex_randinit_seed0.onnx'), linearWeights });
  });
  afterAll(async () => lpips.dispose());
  for (const c of expected.lpips) {
    it(c.id, async () => {
      const a = await readPng(c.img0);
      const b = await readPng(c.img1);
      const r = await lpips.detailed(a, b);
      expect(Math.abs(r.value - c.lpips) / c.lpips).toBeLessThan(1e-5);
      r.perLayer.forEach((v, i) => expect(Math.abs(v - (c.per_layer[i] as number)) / (c.per_layer[i] as number)).toBeLessThan(1e-5));
      expect(await lpips.distance(a, a)).toBe(0);
    });
  }
});

describe('LPIPS rejects trunks that do not fit', () => {
  it('checks the weights against a named tap layout', async () => {
    const err = await createLpips({ trunk: goldenPath('lpips/lpips_alex_randinit_seed0.onnx'), linearWeights, net: 'vgg' }).catch((e: unknown) => e);
    expect((err as DiffmacError).code).toBe('INVALID_ARGUMENT');
    expect((err as DiffmacError).message).toContain('64/192/384/256/256');
    expect((err as DiffmacError).message).toContain('64/128/256/512/512');
  });
  function trunk(inputs: [string, (number | string)[]][], outputs: string[]): Uint8Array {
    const b = new OnnxGraphBuilder();
    for (const [name, shape] of inputs) b.input(name, 'float32', shape);
    const first = inputs[0]![0];
    for (const o of outputs) {
      b.output(o, 'float32', ['n', 3, 'h', 'w']);
      b.node('Relu', [first], [o]);
    }
    return b.toBytes();
  }
  it('names the inputs found when there are two', async () => {
    const bytes = trunk([['x', ['n', 3, 'h', 'w']], ['y', ['n', 3, 'h', 'w']]], ['relu1']);
    const err = await createLpips({ trunk: bytes, linearWeights: [new Float32Array(3)] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DiffmacError);
    expect((err as DiffmacError).code).toBe('LPIPS_TRUNK_SIGNATURE');
    expect((err as DiffmacError).message).toContain('x[n,3,h,w]');
    expect((err as DiffmacError).message).toContain('y[n,3,h,w]');
  });
  it('names the outputs found when the tap count disagrees with the weights', async () => {
    const bytes = trunk([['input', ['n', 3, 'h', 'w']]], ['feat_a', 'feat_b']);
    const err = await createLpips({ trunk: bytes, linearWeights: [new Float32Array(3)] }).catch((e: unknown) => e);
    expect((err as DiffmacError).code).toBe('LPIPS_TRUNK_SIGNATURE');
    expect((err as DiffmacError).message).toContain('feat_a');
    expect((err as DiffmacError).message).toContain('feat_b');
  });
  it('a fitting identity trunk gives the closed form: unit-normalised squared difference', async () => {
    // tap = relu(x): for x, y constant images the per-pixel unit vectors are fixed, so LPIPS = Σ_c w_c (x̂_c - ŷ_c)²
    const bytes = trunk([['input', ['n', 3, 'h', 'w']]], ['relu1']);
    const lp = await createLpips({ trunk: bytes, linearWeights: [Float32Array.from([1, 2, 3])] });
    const img = (r: number, g: number, bl: number) => ({ width: 4, height: 4, channels: 3 as const, data: new Uint8Array(48).map((_, i) => [r, g, bl][i % 3]!) });
    const a = img(255, 128, 255);
    const b = img(255, 255, 128);
    const xa = [255, 128, 255].map((v) => Math.max(0, Math.fround(v / 127.5 - 1)));
    const yb = [255, 255, 128].map((v) => Math.max(0, Math.fround(v / 127.5 - 1)));
    const na = Math.hypot(...xa) + 1e-10;
    const nb = Math.hypot(...yb) + 1e-10;
    const exact = [1, 2, 3].reduce((s, w, c) => s + w * ((xa[c]! / na - yb[c]! / nb) ** 2), 0);
    expect(exact).toBeGreaterThan(0.01);
    expect(await lp.distance(a, b)).toBeCloseTo(exact, 12);
    await lp.dispose();
  });
});
