import { describe, expect, it } from 'vitest';
import { createGaussianChannel } from '@diffmac/mib';
import { buildTinyUnet, buildTinyVaeDecoder, buildTinyVaeEncoder } from '../src/testing';
import { adainAlignInPlace, adainGuidance, conditionMap, createDiffusionRefiner, createOnePassRestorer, createPipeline, createRng, createSession, createUnetModel, DiffmacError, eulerSigmas, img2imgStart, OnnxGraphBuilder, resizeBilinearNchw, samplerKind, sigmaOfTimestep, type FloatTensor, type InferenceSession, type StageContext } from '../src/index';

const sdConfig = { beta_schedule: 'scaled_linear', beta_start: 0.00085, beta_end: 0.012, num_train_timesteps: 1000, steps_offset: 1, timestep_spacing: 'leading' };

function rand(shape: number[], seed: number, scale = 1, offset = 0): FloatTensor {
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  createRng(seed).normal(data);
  for (let i = 0; i < data.length; i++) data[i] = data[i]! * scale + offset;
  return { data, shape };
}

function ctxFor(lq: FloatTensor, seed = 0): StageContext {
  const rngs = Array.from({ length: lq.shape[0]! }, (_, i) => createRng(seed + i));
  return { rng: rngs[0]!, itemRngs: rngs, lq };
}

/**
 * A one-pass restorer with the real ONNX names: image input `input` [N|1, 3, S, S] float32 →
 * `output` = clip(input · 0.5 + fidelityTerm), where the fidelity input (if any) of dtype
 * `fidelityType` adds `0.25 · w`. Closed form: output = clip(0.5·x + 0.25·w).
 */
function onePassModel(options: { size: number; batch: number | string; fidelity?: { name: string; dtype: 'float32' | 'float64'; shape: number[] } }): Uint8Array {
  const b = new OnnxGraphBuilder();
  const x = b.input('input', 'float32', [options.batch, 3, options.size, options.size]);
  const half = b.initializer('half', new Float32Array([0.5]), []);
  let [y] = b.node('Mul', [x, half], ['scaled']);
  if (options.fidelity) {
    const w = b.input(options.fidelity.name, options.fidelity.dtype, options.fidelity.shape);
    const [wf] = options.fidelity.dtype === 'float64' ? b.node('Cast', [w], ['w_float'], { to: 1 }) : [w];
    const quarter = b.initializer('quarter', new Float32Array([0.25]), []);
    const [wq] = b.node('Mul', [wf!, quarter], ['wq']);
    [y] = b.node('Add', [y!, wq!], ['with_w']);
  }
  const lo = b.initializer('lo', new Float32Array([-1]), []);
  const hi = b.initializer('hi', new Float32Array([1]), []);
  b.node('Clip', [y!, lo, hi], ['output']);
  b.output('output', 'float32', [options.batch, 3, options.size, options.size]);
  return b.toBytes();
}

describe('one-pass restorer contracts (RGB [-1, 1], NCHW, real input/output names)', () => {
  const cases = [
    { kind: 'gfpgan' as const, model: { size: 32, batch: 1 } },
    { kind: 'gpen' as const, model: { size: 32, batch: 'batch' } },
    { kind: 'restoreformer' as const, model: { size: 32, batch: 1 } },
    { kind: 'codeformer' as const, model: { size: 32, batch: 1, fidelity: { name: 'weight', dtype: 'float64' as const, shape: [1] } } },
    { kind: 'codeformer' as const, model: { size: 32, batch: 1, fidelity: { name: 'w', dtype: 'float32' as const, shape: [1] } } },
  ];
  for (const c of cases) {
    it(`${c.kind}${c.model.fidelity ? ` (${c.model.fidelity.name}: ${c.model.fidelity.dtype})` : ''}: output = the closed form, batches split, other sizes resized`, async () => {
      const session = await createSession(onePassModel(c.model));
      const restorer = createOnePassRestorer(session, { kind: c.kind, fidelity: 0.8 });
      expect(restorer.size).toBe(32);
      expect(restorer.maxBatch).toBe(c.model.batch === 1 ? 1 : Infinity);
      const x = rand([3, 3, 32, 32], 1, 0.4);
      const y = await restorer.restore(x, ctxFor(x));
      expect(y.shape).toEqual([3, 3, 32, 32]);
      const w = c.model.fidelity ? 0.8 : 0;
      for (let i = 0; i < x.data.length; i += 37) expect(y.data[i]).toBeCloseTo(Math.min(1, Math.max(-1, 0.5 * x.data[i]! + 0.25 * w)), 5);
      // a 48² face goes through the 32² model and comes back 48²
      const big = rand([1, 3, 48, 48], 2, 0.3);
      const z = await restorer.restore(big, ctxFor(big));
      expect(z.shape).toEqual([1, 3, 48, 48]);
      await session.dispose();
    });
  }

  it('rejects models that break the contract with typed errors', async () => {
    const plain = await createSession(onePassModel({ size: 16, batch: 1 }));
    expect(() => createOnePassRestorer(plain, { kind: 'codeformer' })).toThrow(expect.objectContaining({ code: 'RESTORER_SIGNATURE_MISMATCH', argument: 'fidelityName' }));
    expect(() => createOnePassRestorer(plain, { outputName: 'nope' })).toThrow(expect.objectContaining({ code: 'RESTORER_SIGNATURE_MISMATCH' }));
    expect(() => createOnePassRestorer(plain, { fidelity: 1.5 })).toThrow(expect.objectContaining({ argument: 'fidelity' }));
    expect(() => createOnePassRestorer(plain, { kind: 'magic' as 'gfpgan' })).toThrow(DiffmacError);
    await plain.dispose();
  });
});

describe('AdaIN guidance on the x0 estimate', () => {
  it('aligns per channel to the reference statistics at the chosen steps only', async () => {
    const shape = [1, 2, 8, 8];
    const reference = rand(shape, 3, 0.5, 2);
    const estimate = rand(shape, 4, 3, -1);
    const calls: number[] = [];
    const denoiser = (_x: Float32Array, sigma: number, out: Float32Array) => {
      calls.push(sigma);
      out.set(estimate.data);
    };
    const sigmas = [10, 5, 2, 0];
    const guided = adainGuidance(denoiser, { reference, shape, sigmas, steps: [1] });
    const out = new Float32Array(128);
    await guided(new Float32Array(128), 10, out);
    expect(out).toEqual(estimate.data); // step 0 untouched
    await guided(new Float32Array(128), 5, out);
    expect(guided.alignedCalls()).toBe(1);
    for (let c = 0; c < 2; c++) {
      const o = out.subarray(c * 64, (c + 1) * 64);
      const r = reference.data.subarray(c * 64, (c + 1) * 64);
      const mean = (a: Float32Array) => a.reduce((s, v) => s + v, 0) / a.length;
      const v = (a: Float32Array) => a.reduce((s, x) => s + (x - mean(a)) ** 2, 0) / (a.length - 1);
      expect(mean(o)).toBeCloseTo(mean(r), 4);
      expect(v(o)).toBeCloseTo(v(r), 3);
    }
  });

  it('per window: every window gets its reference window statistics; strength 0 changes nothing', () => {
    const shape = [1, 1, 8, 8];
    const reference = rand(shape, 5, 1, 0);
    const x = rand(shape, 6, 2, 3).data;
    const copy = Float32Array.from(x);
    adainAlignInPlace(copy, reference, shape, { window: 4, strength: 0 });
    expect(copy).toEqual(x);
    adainAlignInPlace(x, reference, shape, { window: 4 });
    for (const [y0, x0] of [[0, 0], [0, 4], [4, 0], [4, 4]] as const) {
      let sx = 0, sr = 0;
      for (let y = y0; y < y0 + 4; y++) for (let xx = x0; xx < x0 + 4; xx++) {
        sx += x[y * 8 + xx]!;
        sr += reference.data[y * 8 + xx]!;
      }
      expect(sx / 16).toBeCloseTo(sr / 16, 4);
    }
    expect(() => adainAlignInPlace(x, rand([1, 1, 4, 4], 1), shape, { window: 4 })).toThrow(expect.objectContaining({ code: 'TENSOR_SHAPE_MISMATCH' }));
    expect(() => adainGuidance(() => undefined, { reference, shape, steps: [0] })).toThrow(expect.objectContaining({ argument: 'sigmas' }));
    expect(() => adainGuidance(() => undefined, { reference, shape, strength: 2 })).toThrow(expect.objectContaining({ argument: 'strength' }));
  });
});

describe('wiring helpers', () => {
  it('pairs condition inputs by name, else in manifest order, else fails naming both sides', () => {
    const unet = ['sample', 'timestep', 'encoder_hidden_states', 'cond_feature_0', 'cond_feature_1'];
    expect(conditionMap(unet, ['features_0', 'features_1'])).toEqual({ cond_feature_0: 'features_0', cond_feature_1: 'features_1' });
    expect(conditionMap(unet, ['cond_feature_1', 'cond_feature_0'])).toEqual({ cond_feature_0: 'cond_feature_0', cond_feature_1: 'cond_feature_1' });
    expect(() => conditionMap(unet, ['features_0'])).toThrow(expect.objectContaining({ code: 'PIPELINE_CONDITION_MISMATCH' }));
  });

  it('feeds classifier-free guidance as u + g·(c − u) over a doubled batch', async () => {
    const unet: InferenceSession = {
      inputs: [
        { name: 'sample', dtype: 'float32', shape: ['batch', 1, 1, 2] },
        { name: 'timestep', dtype: 'int64', shape: [1] },
        { name: 'encoder_hidden_states', dtype: 'float32', shape: ['batch', 1, 1] },
      ],
      outputs: [{ name: 'out_sample', dtype: 'float32', shape: ['batch', 1, 1, 2] }],
      async run(feeds) {
        const s = feeds.sample!.data as Float32Array;
        const c = feeds.encoder_hidden_states!.data as Float32Array;
        const t = Number((feeds.timestep!.data as BigInt64Array)[0]);
        const out = Float32Array.from(s, (v, i) => v + c[Math.floor(i / 2)]! * 10 + t);
        return { out_sample: { data: out, shape: feeds.sample!.shape } };
      },
      async dispose() {},
    };
    const model = createUnetModel({ session: unet, sampleShape: [1, 1, 1, 2], context: { data: Float32Array.of(1), shape: [1, 1, 1] }, uncondContext: { data: Float32Array.of(0), shape: [1, 1, 1] }, guidanceScale: 3 });
    const out = new Float32Array(2);
    await model(Float32Array.of(0.5, -0.5), 7.4, out);
    // u = x + 7, c = x + 10 + 7 → u + 3·10
    expect([...out]).toEqual([0.5 + 7 + 30, -0.5 + 7 + 30]);
    expect(() => createUnetModel({ session: unet, sampleShape: [1, 1, 1, 2], guidanceScale: 2 })).toThrow(expect.objectContaining({ code: 'PIPELINE_NEEDS_CONTEXT' }));
  });

  it('schedules: img2img cut, sigma of a timestep, sampler kinds', () => {
    expect(img2imgStart(20, 0.5)).toBe(10);
    expect(img2imgStart(10, 1)).toBe(0);
    expect(img2imgStart(10, 0)).toBe(10);
    const { sigmas, alphasCumprod } = eulerSigmas(sdConfig, 10);
    expect(sigmas.length).toBe(11);
    expect(sigmas[10]).toBe(0);
    expect(sigmaOfTimestep(alphasCumprod, 400)).toBeCloseTo(Math.sqrt((1 - alphasCumprod[400]!) / alphasCumprod[400]!), 6);
    expect(samplerKind('dpmpp_2m_sde')).toBe('functional');
    expect(samplerKind('PNDMScheduler')).toBe('class');
    expect(() => samplerKind('nope')).toThrow(expect.objectContaining({ code: 'UNKNOWN_SAMPLER' }));
    const r = resizeBilinearNchw({ data: Float32Array.of(0, 1, 2, 3), shape: [1, 1, 2, 2] }, 4, 4);
    expect(r.data[0]).toBe(0);
    expect(r.data[15]).toBe(3);
    expect(r.data[1]).toBeCloseTo(0.25, 6); // half-pixel centres
  });
});

describe('Stage II after a Gaussian channel', () => {
  it('continues from the channel timestep with a functional sampler and with a diffusers class', async () => {
    const unet = await createSession(buildTinyUnet({ seed: 1, timestepDtype: 'float32' }).bytes);
    const vaeEncoder = await createSession(buildTinyVaeEncoder({ seed: 2 }).bytes);
    const vaeDecoder = await createSession(buildTinyVaeDecoder({ seed: 3 }).bytes);
    const face = rand([1, 3, 32, 32], 7, 0.3);
    for (const sampler of ['unipc', 'DDIMScheduler']) {
      const refiner = createDiffusionRefiner({ unet, vaeEncoder, vaeDecoder, schedulerConfig: sdConfig, sampler, steps: 10 });
      const channel = createGaussianChannel({ alphasCumprod: refiner.alphasCumprod, timestep: 300 });
      const steps: number[] = [];
      const pipeline = createPipeline({ bottleneck: channel, refiner });
      const r = await pipeline.run(face, { seed: 4, onProgress: (e) => e.type === 'step' && steps.push(e.index) });
      expect(r.image.shape).toEqual([1, 3, 32, 32]);
      expect(r.compressed?.kind).toBe('gaussian-channel');
      // leading spacing, 10 steps: timesteps 901, 801, ..., 1 → those at or below 300: 201, 101, 1 (functional: sigma_300 then the 3 smaller sigmas)
      expect(steps.length).toBe(sampler === 'unipc' ? 4 : 3);
      expect(r.image.data.every(Number.isFinite)).toBe(true);
    }
    for (const s of [unet, vaeEncoder, vaeDecoder]) await s.dispose();
  }, 60_000);
});
