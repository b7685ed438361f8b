import { createRng } from '@diffmac/base';
import { describe, expect, it } from 'vitest';
import { buildTinyModel, tinyModelRoles } from '../src/testing';
import { DiffmacError, createSession, type Tensor } from '../src/index';

function randn(shape: number[], seed: number): Tensor {
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  createRng(seed).normal(data);
  return { data, shape };
}

async function run(bytes: Uint8Array, feeds: Record<string, Tensor>) {
  const s = await createSession(bytes, { threads: 1, checkFinite: true });
  try {
    return await s.run(feeds);
  } finally {
    await s.dispose();
  }
}

const f32 = (t: Tensor | undefined) => Array.from(t!.data as Float32Array);
const maxDiff = (a: Tensor | undefined, b: Tensor | undefined) => Math.max(...f32(a).map((v, i) => Math.abs(v - f32(b)[i]!)));

describe('tiny models', () => {
  it('builds every role with a declared signature and runs it', async () => {
    expect([...tinyModelRoles].sort()).toEqual(
      ['cond_encoder', 'detector', 'identity', 'mib', 'restorer', 'text_encoder', 'unet', 'vae_decoder', 'vae_encoder'].sort(),
    );
    for (const role of tinyModelRoles) {
      const m = buildTinyModel(role, { seed: 1, size: role === 'identity' ? 112 : 64 } as never);
      expect(m.role).toBe(role);
      expect(m.inputs.length).toBeGreaterThan(0);
      expect(m.bytes.length).toBeLessThan(200_000);
    }
  });

  it('UNet: diffusers names and shapes; timestep, text and condition features all matter', async () => {
    const m = buildTinyModel('unet', { rng: createRng(7), conditionLevels: 2 });
    expect(m.inputs.map((i) => [i.name, i.dtype])).toEqual([
      ['sample', 'float32'],
      ['timestep', 'int64'],
      ['encoder_hidden_states', 'float32'],
      ['cond_feature_0', 'float32'],
      ['cond_feature_1', 'float32'],
    ]);
    expect(m.outputs).toEqual([{ name: 'out_sample', dtype: 'float32', shape: ['batch', 4, 'height', 'width'] }]);
    const feeds = {
      sample: randn([2, 4, 8, 8], 1),
      timestep: { data: new BigInt64Array([999n]), shape: [1] },
      encoder_hidden_states: randn([2, 5, 32], 2),
      cond_feature_0: randn([2, 8, 8, 8], 3),
      cond_feature_1: randn([2, 8, 4, 4], 4),
    };
    const base = (await run(m.bytes, feeds)).out_sample;
    expect(base!.shape).toEqual([2, 4, 8, 8]);
    const variants: Record<string, Tensor>[] = [
      { timestep: { data: new BigInt64Array([10n]), shape: [1] } },
      { encoder_hidden_states: randn([2, 5, 32], 9) },
      { cond_feature_0: randn([2, 8, 8, 8], 9) },
      { cond_feature_1: randn([2, 8, 4, 4], 9) },
    ];
    for (const v of variants) expect(maxDiff((await run(m.bytes, { ...feeds, ...v })).out_sample, base)).toBeGreaterThan(1e-4);
  });

  it('is reproducible from the seed and differs across seeds', () => {
    const a = buildTinyModel('vae_decoder', { seed: 3 }).bytes;
    const b = buildTinyModel('vae_decoder', { rng: createRng(3).fork('vae_decoder') }).bytes;
    const c = buildTinyModel('vae_decoder', { seed: 4 }).bytes;
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(Buffer.from(a).equals(Buffer.from(c))).toBe(false);
  });

  it('VAE encoder/decoder scale by 8 and the decoder stays in [-1, 1]', async () => {
    const enc = buildTinyModel('vae_encoder', { seed: 1 });
    const dec = buildTinyModel('vae_decoder', { seed: 1 });
    const { latent_sample } = await run(enc.bytes, { sample: randn([1, 3, 32, 48], 1) });
    expect(latent_sample!.shape).toEqual([1, 4, 4, 6]);
    const { sample } = await run(dec.bytes, { latent_sample: latent_sample! });
    expect(sample!.shape).toEqual([1, 3, 32, 48]);
    expect(f32(sample).every((v) => v >= -1 && v <= 1)).toBe(true);
  });

  it('text encoder: int32 ids → last_hidden_state and pooler_output that depend on the ids', async () => {
    const m = buildTinyModel('text_encoder', { vocabSize: 50, hiddenDim: 16, seed: 1 });
    const a = await run(m.bytes, { input_ids: { data: new Int32Array([1, 2, 3, 4]), shape: [1, 4] } });
    const b = await run(m.bytes, { input_ids: { data: new Int32Array([1, 2, 3, 5]), shape: [1, 4] } });
    expect(a.last_hidden_state!.shape).toEqual([1, 4, 16]);
    expect(a.pooler_output!.shape).toEqual([1, 16]);
    expect(maxDiff(a.last_hidden_state, b.last_hidden_state)).toBeGreaterThan(1e-4);
  });

  it('condition encoder feeds the UNet condition inputs shape for shape', async () => {
    const cond = buildTinyModel('cond_encoder', { levels: 2, seed: 1 });
    const out = await run(cond.bytes, { lq: randn([1, 3, 64, 64], 1) });
    expect(out.features_0!.shape).toEqual([1, 8, 8, 8]);
    expect(out.features_1!.shape).toEqual([1, 8, 4, 4]);
  });

  it('MIB: latent (+ identity) → mean and logvar; identity changes the mean', async () => {
    const m = buildTinyModel('mib', { identityDim: 16, rng: createRng(2), quantize: true });
    expect(m.inputs.map((i) => i.name)).toEqual(['latent', 'identity']);
    expect(m.outputs.map((o) => o.name)).toEqual(['mean', 'logvar']);
    const latent = randn([1, 4, 4, 4], 1);
    const a = await run(m.bytes, { latent, identity: randn([1, 16], 2) });
    const b = await run(m.bytes, { latent, identity: randn([1, 16], 3) });
    expect(a.mean!.shape).toEqual([1, 4, 4, 4]);
    expect(maxDiff(a.mean, b.mean)).toBeGreaterThan(1e-4);
    expect(maxDiff(a.logvar, b.logvar)).toBe(0);
    const meanLogvar = f32(a.logvar).reduce((s, v) => s + v, 0) / 64;
    expect(meanLogvar).toBeGreaterThan(-3);
    expect(meanLogvar).toBeLessThan(-1);
    const plain = buildTinyModel('mib', { seed: 1 });
    expect(plain.inputs.map((i) => i.name)).toEqual(['latent']);
  });

  it('restorer: CodeFormer-like w = 1 returns the input', async () => {
    const m = buildTinyModel('restorer', { size: 32, fidelityWeight: true, seed: 1 });
    expect(m.inputs).toEqual([
      { name: 'input', dtype: 'float32', shape: [1, 3, 32, 32] },
      { name: 'w', dtype: 'float32', shape: [1] },
    ]);
    const input = { data: new Float32Array(3 * 32 * 32).map((_, i) => Math.sin(i) * 0.9), shape: [1, 3, 32, 32] };
    const same = await run(m.bytes, { input, w: { data: new Float32Array([1]), shape: [1] } });
    expect(maxDiff(same.output, input)).toBeLessThan(1e-6);
    const changed = await run(m.bytes, { input, w: { data: new Float32Array([0]), shape: [1] } });
    expect(maxDiff(changed.output, input)).toBeGreaterThan(1e-3);
    expect(buildTinyModel('restorer', {}).inputs[0]!.shape).toEqual([1, 3, 512, 512]);
  });

  it('detector: RetinaFace-like loc/conf/landms with softmax scores', async () => {
    const m = buildTinyModel('detector', { size: 64, seed: 1 });
    const out = await run(m.bytes, { input: randn([1, 3, 64, 64], 1) });
    const n = 2 * (64 + 16 + 4);
    expect(out.loc!.shape).toEqual([1, n, 4]);
    expect(out.conf!.shape).toEqual([1, n, 2]);
    expect(out.landms!.shape).toEqual([1, n, 10]);
    const conf = f32(out.conf);
    for (let i = 0; i < n; i++) expect(conf[2 * i]! + conf[2 * i + 1]!).toBeCloseTo(1, 5);
  });

  it('identity: 112² face → 512-d embedding', async () => {
    const m = buildTinyModel('identity', { seed: 1 });
    const out = await run(m.bytes, { input: randn([2, 3, 112, 112], 1) });
    expect(out.embedding!.shape).toEqual([2, 512]);
  });

  it('rejects unknown roles and bad sizes with typed errors', () => {
    expect(() => buildTinyModel('vae' as never)).toThrow(DiffmacError);
    expect(() => buildTinyModel('detector', { size: 50 })).toThrow(/multiple of 32/);
    expect(() => buildTinyModel('unet', { conditionLevels: 3 })).toThrow(/conditionLevels/);
  });
});
