import { describe, expect, it } from 'vitest';
import {
  DiffmacError,
  createRng,
  decodeLatents,
  encodeLatents,
  type InferenceSession,
  type RunOptions,
  type Tensor,
  type TensorSignature,
  type VaeProgressEvent,
} from '@diffmac/core';

/** A pure-TypeScript session: `fn` maps one input tensor to one output tensor. */
class FakeSession implements InferenceSession {
  readonly calls: Tensor[] = [];
  constructor(
    readonly inputs: TensorSignature[],
    readonly outputs: TensorSignature[],
    private readonly fn: (x: Tensor) => Tensor,
    private readonly onRun?: () => void,
  ) {}
  async run(feeds: Readonly<Record<string, Tensor>>, options?: RunOptions): Promise<Record<string, Tensor>> {
    options?.signal?.throwIfAborted();
    const x = feeds[this.inputs[0]!.name];
    if (x === undefined) throw new Error(`missing feed ${this.inputs[0]!.name}`);
    const sig = this.inputs[0]!;
    sig.shape.forEach((d, i) => {
      if (typeof d === 'number' && d !== x.shape[i]) throw new Error(`fixed dim ${i} is ${d}, fed ${x.shape[i]}`);
    });
    this.calls.push(x);
    this.onRun?.();
    return { [this.outputs[0]!.name]: this.fn(x) };
  }
  async dispose(): Promise<void> {}
}

const F = 8;

/** Pointwise decoder: each latent cell becomes an F×F block of (tanh(z0 + z3), z1 * 0.5, z2 - z0). */
function fakeDecode(x: Tensor, factor = F): Tensor {
  const [, c, h, w] = x.shape as [number, number, number, number];
  const d = x.data as Float32Array;
  const W = w * factor;
  const H = h * factor;
  const out = new Float32Array(3 * H * W);
  for (let y = 0; y < H; y++)
    for (let xx = 0; xx < W; xx++) {
      const p = Math.floor(y / factor) * w + Math.floor(xx / factor);
      const z = (k: number) => d[(k % c) * h * w + p]!;
      out[y * W + xx] = Math.tanh(z(0) + z(3));
      out[H * W + y * W + xx] = z(1) * 0.5;
      out[2 * H * W + y * W + xx] = z(2) - z(0);
    }
  return { data: out, shape: [1, 3, H, W] };
}

/** Block encoder: mean of each F×F block per channel → 4 mean channels (+ 4 log-variance channels). */
function fakeEncode(x: Tensor, moments: boolean): Tensor {
  const [, , H, W] = x.shape as [number, number, number, number];
  const h = H / F;
  const w = W / F;
  const d = x.data as Float32Array;
  const C = moments ? 8 : 4;
  const out = new Float32Array(C * h * w);
  for (let k = 0; k < 4; k++)
    for (let y = 0; y < h; y++)
      for (let xx = 0; xx < w; xx++) {
        let s = 0;
        for (let dy = 0; dy < F; dy++) for (let dx = 0; dx < F; dx++) s += d[(k % 3) * H * W + (y * F + dy) * W + xx * F + dx]!;
        out[k * h * w + y * w + xx] = (s / (F * F)) * (k + 1);
        if (moments) out[(4 + k) * h * w + y * w + xx] = -2 + k;
      }
  return { data: out, shape: [1, C, h, w] };
}

const dynDecoderSig = {
  inputs: [{ name: 'latent_sample', dtype: 'float32', shape: ['batch', 4, 'h', 'w'] }] as TensorSignature[],
  outputs: [{ name: 'sample', dtype: 'float32', shape: ['batch', 3, 'H', 'W'] }] as TensorSignature[],
};

function latents(n: number, h: number, w: number, seed = 1): Tensor {
  const data = new Float32Array(n * 4 * h * w);
  createRng(seed).normal(data);
  return { data, shape: [n, 4, h, w] };
}

function maxAbsDiff(a: Tensor, b: Tensor): number {
  expect(a.shape).toEqual(b.shape);
  let m = 0;
  const x = a.data as Float32Array;
  const y = b.data as Float32Array;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]! - y[i]!));
  return m;
}

function scaled(t: Tensor, f: (v: number) => number): Tensor {
  return { data: (t.data as Float32Array).map(f), shape: [...t.shape] };
}

describe('decodeLatents', () => {
  it('unscales, decodes in one pass when it fits, and tiles seamlessly when it does not', async () => {
    const z = latents(1, 20, 28);
    const scale = 0.18215;
    const reference = fakeDecode(scaled(z, (v) => v / scale));
    const whole = new FakeSession(dynDecoderSig.inputs, dynDecoderSig.outputs, (x) => fakeDecode(x));
    const one = await decodeLatents(whole, z, { scalingFactor: scale, tileSize: 512 });
    expect(whole.calls.length).toBe(1);
    expect(maxAbsDiff(one, reference)).toBeLessThan(1e-6);

    const tiled = new FakeSession(dynDecoderSig.inputs, dynDecoderSig.outputs, (x) => fakeDecode(x));
    const events: VaeProgressEvent[] = [];
    const out = await decodeLatents(tiled, z, { scalingFactor: scale, tileSize: 64, overlap: 16, onProgress: (e) => events.push(e) });
    expect(out.shape).toEqual([1, 3, 160, 224]);
    expect(tiled.calls.length).toBeGreaterThan(4);
    for (const c of tiled.calls) expect(Math.max(c.shape[2]!, c.shape[3]!)).toBeLessThanOrEqual(8);
    expect(maxAbsDiff(out, reference)).toBeLessThan(1e-5);
    expect(events.length).toBe(tiled.calls.length);
    expect(events.at(-1)).toMatchObject({ type: 'vae-tile', phase: 'decode', item: 0, items: 1, tile: tiled.calls.length, tiles: tiled.calls.length });
  });

  it('applies the shift factor and defaults the scaling factor to SD 1.x (0.18215)', async () => {
    const z = latents(1, 3, 5);
    const probe = new FakeSession(dynDecoderSig.inputs, dynDecoderSig.outputs, (x) => fakeDecode(x));
    await decodeLatents(probe, z, { shiftFactor: 0.5 });
    const fed = probe.calls[0]!.data as Float32Array;
    const src = z.data as Float32Array;
    for (let i = 0; i < src.length; i++) expect(fed[i]).toBeCloseTo(src[i]! / 0.18215 + 0.5, 4);
    expect(probe.calls[0]!.shape).toEqual([1, 4, 3, 5]);
  });

  it('reads the latent factor and tile size from a fixed signature and pads edge tiles', async () => {
    const factor = 4;
    const fixed = new FakeSession(
      [{ name: 'latent_sample', dtype: 'float32', shape: [1, 4, 8, 8] }],
      [{ name: 'sample', dtype: 'float32', shape: [1, 3, 32, 32] }],
      (x) => fakeDecode(x, factor),
    );
    const z = latents(1, 5, 13, 3);
    const out = await decodeLatents(fixed, z, { scalingFactor: 1 });
    expect(out.shape).toEqual([1, 3, 20, 52]);
    for (const c of fixed.calls) expect(c.shape).toEqual([1, 4, 8, 8]);
    expect(maxAbsDiff(out, fakeDecode(z, factor))).toBeLessThan(1e-5);
    // a tileSize that contradicts the model, or a latentFactor that does, is refused
    await expect(decodeLatents(fixed, z, { tileSize: 64 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', argument: 'tileSize' });
    await expect(decodeLatents(fixed, z, { latentFactor: 8 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', argument: 'latentFactor' });
    await expect(decodeLatents(fixed, { data: new Float32Array(3 * 25), shape: [1, 3, 5, 5] })).rejects.toMatchObject({
      code: 'TENSOR_SHAPE_MISMATCH',
      argument: 'latents',
    });
  });

  it('accepts a signature whose shapes the runtime does not know, using the default factor 8', async () => {
    const s = new FakeSession(
      [{ name: 'latent_sample', dtype: 'unknown', shape: [] }],
      [{ name: 'sample', dtype: 'unknown', shape: [] }],
      (x) => fakeDecode(x),
    );
    const z = latents(1, 3, 4);
    const out = await decodeLatents(s, z, { scalingFactor: 1 });
    expect(maxAbsDiff(out, fakeDecode(z))).toBeLessThan(1e-6);
  });

  it('decodes a batch item by item', async () => {
    const s = new FakeSession(dynDecoderSig.inputs, dynDecoderSig.outputs, (x) => fakeDecode(x));
    const z = latents(2, 4, 6);
    const items: number[] = [];
    const out = await decodeLatents(s, z, { scalingFactor: 1, onProgress: (e) => items.push(e.item) });
    expect(out.shape).toEqual([2, 3, 32, 48]);
    expect(items).toEqual([0, 1]);
    const second: Tensor = { data: (z.data as Float32Array).slice(4 * 24), shape: [1, 4, 4, 6] };
    const ref = fakeDecode(second);
    const got: Tensor = { data: (out.data as Float32Array).slice(3 * 32 * 48), shape: [1, 3, 32, 48] };
    expect(maxAbsDiff(got, ref)).toBeLessThan(1e-6);
  });

  it('stops between tiles when the signal aborts', async () => {
    const controller = new AbortController();
    const s = new FakeSession(dynDecoderSig.inputs, dynDecoderSig.outputs, (x) => fakeDecode(x), () => controller.abort());
    await expect(decodeLatents(s, latents(1, 16, 16), { tileSize: 64, overlap: 16, signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(s.calls.length).toBe(1);
    const pre = new AbortController();
    pre.abort();
    const t = new FakeSession(dynDecoderSig.inputs, dynDecoderSig.outputs, (x) => fakeDecode(x));
    await expect(decodeLatents(t, latents(1, 2, 2), { signal: pre.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(t.calls.length).toBe(0);
  });

  it('refuses bad options, names and non-finite outputs with typed errors', async () => {
    const s = new FakeSession(dynDecoderSig.inputs, dynDecoderSig.outputs, (x) => fakeDecode(x));
    const z = latents(1, 2, 2);
    await expect(decodeLatents(s, z, { tileSize: 60 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', argument: 'tileSize' });
    await expect(decodeLatents(s, z, { overlap: 12 })).rejects.toMatchObject({ argument: 'overlap' });
    await expect(decodeLatents(s, z, { scalingFactor: 0 })).rejects.toMatchObject({ argument: 'scalingFactor' });
    await expect(decodeLatents(s, z, { inputName: 'latents' })).rejects.toMatchObject({ code: 'VAE_SIGNATURE_MISMATCH', received: 'latents' });
    await expect(decodeLatents(s, { data: new Float64Array(16), shape: [1, 4, 2, 2] })).rejects.toMatchObject({ code: 'TENSOR_DTYPE_MISMATCH' });
    const nan = new FakeSession(dynDecoderSig.inputs, dynDecoderSig.outputs, (x) => {
      const o = fakeDecode(x);
      (o.data as Float32Array)[5] = Number.NaN;
      return o;
    });
    const err = await decodeLatents(nan, z).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DiffmacError);
    expect((err as DiffmacError).code).toBe('MODEL_OUTPUT_NOT_FINITE');
    expect((err as DiffmacError).message).toContain('vae_decoder');
    expect((err as DiffmacError).message).toContain('sample');
    const rank3 = new FakeSession([{ name: 'latent_sample', dtype: 'float32', shape: [4, 'h', 'w'] }], dynDecoderSig.outputs, (x) => x);
    await expect(decodeLatents(rank3, z)).rejects.toMatchObject({ code: 'VAE_SIGNATURE_MISMATCH' });
  });
});

describe('encodeLatents', () => {
  const encSig = (moments: boolean, fixed?: number) => ({
    inputs: [{ name: 'sample', dtype: 'float32', shape: fixed ? [1, 3, fixed, fixed] : ['batch', 3, 'H', 'W'] }] as TensorSignature[],
    outputs: [
      {
        name: moments ? 'latent_parameters' : 'latent_sample',
        dtype: 'float32',
        shape: fixed ? [1, moments ? 8 : 4, fixed / F, fixed / F] : ['batch', moments ? 8 : 4, 'h', 'w'],
      },
    ] as TensorSignature[],
  });

  function image(n: number, h: number, w: number): Tensor {
    const data = new Float32Array(n * 3 * h * w);
    for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 0.013) * 0.9;
    return { data, shape: [n, 3, h, w] };
  }

  it('returns the scaled posterior mean, the same tiled and whole', async () => {
    const x = image(1, 96, 136);
    const ref = fakeEncode(x, true);
    const mean: Tensor = { data: (ref.data as Float32Array).slice(0, 4 * 12 * 17).map((v) => v * 0.13025), shape: [1, 4, 12, 17] };
    const { inputs, outputs } = encSig(true);
    const whole = new FakeSession(inputs, outputs, (t) => fakeEncode(t, true));
    const a = await encodeLatents(whole, x, { scalingFactor: 0.13025 });
    expect(whole.calls.length).toBe(1);
    expect(maxAbsDiff(a, mean)).toBeLessThan(1e-6);
    const tiled = new FakeSession(inputs, outputs, (t) => fakeEncode(t, true));
    const b = await encodeLatents(tiled, x, { scalingFactor: 0.13025, tileSize: 48, overlap: 16 });
    expect(tiled.calls.length).toBeGreaterThan(4);
    for (const c of tiled.calls) expect(Math.max(c.shape[2]!, c.shape[3]!)).toBeLessThanOrEqual(48);
    expect(maxAbsDiff(b, mean)).toBeLessThan(1e-5);
  });

  it('samples mean + std · noise from the rng, reproducibly', async () => {
    const x = image(1, 32, 40);
    const { inputs, outputs } = encSig(true);
    const s = new FakeSession(inputs, outputs, (t) => fakeEncode(t, true));
    const one = await encodeLatents(s, x, { sample: 'sample', rng: createRng(5), scalingFactor: 1 });
    const two = await encodeLatents(s, x, { sample: 'sample', rng: createRng(5), scalingFactor: 1 });
    const other = await encodeLatents(s, x, { sample: 'sample', rng: createRng(6), scalingFactor: 1 });
    expect(maxAbsDiff(one, two)).toBe(0);
    expect(maxAbsDiff(one, other)).toBeGreaterThan(0.01);
    const m = fakeEncode(x, true).data as Float32Array;
    const noise = new Float32Array(4 * 4 * 5);
    createRng(5).normal(noise);
    const plane = 20;
    const got = one.data as Float32Array;
    for (let i = 0; i < noise.length; i++) {
      const k = Math.floor(i / plane);
      expect(got[i]).toBeCloseTo(m[i]! + Math.exp(0.5 * (-2 + k)) * noise[i]!, 5);
    }
    await expect(encodeLatents(s, x, { sample: 'sample' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', argument: 'rng' });
  });

  it('takes latents as they are from an encoder that outputs latents, and cannot sample them', async () => {
    const x = image(2, 16, 24);
    const { inputs, outputs } = encSig(false);
    const s = new FakeSession(inputs, outputs, (t) => fakeEncode(t, false));
    const z = await encodeLatents(s, x, { scalingFactor: 2, shiftFactor: 0.25 });
    expect(z.shape).toEqual([2, 4, 2, 3]);
    const first = fakeEncode({ data: (x.data as Float32Array).slice(0, 3 * 16 * 24), shape: [1, 3, 16, 24] }, false).data as Float32Array;
    first.forEach((v, i) => expect((z.data as Float32Array)[i]).toBeCloseTo((v - 0.25) * 2, 5));
    await expect(encodeLatents(s, x, { sample: 'sample', rng: createRng(1) })).rejects.toMatchObject({ code: 'VAE_CANNOT_SAMPLE' });
    // forcing moments on a 4-channel output splits it 2 + 2
    const forced = await encodeLatents(s, x, { encoderOutput: 'moments', scalingFactor: 1 });
    expect(forced.shape).toEqual([2, 2, 2, 3]);
    // auto detects moments from latentChannels
    const auto = await encodeLatents(s, x, { latentChannels: 2, scalingFactor: 1 });
    expect(auto.shape).toEqual([2, 2, 2, 3]);
  });

  it('encodes a RasterImage (grey expanded to RGB, mapped to [-1, 1]) through a fixed-size model', async () => {
    const { inputs, outputs } = encSig(true, 32);
    const s = new FakeSession(inputs, outputs, (t) => fakeEncode(t, true));
    const w = 40;
    const h = 24;
    const pixels = new Uint8Array(w * h).map((_, i) => (i * 7) % 256);
    const z = await encodeLatents(s, { width: w, height: h, channels: 1, data: pixels }, { scalingFactor: 1 });
    expect(z.shape).toEqual([1, 4, 3, 5]);
    for (const c of s.calls) expect(c.shape).toEqual([1, 3, 32, 32]);
    // reference: the same image as a signed RGB tensor, encoded whole
    const rgb = new Float32Array(3 * w * h);
    for (let k = 0; k < 3; k++) for (let p = 0; p < w * h; p++) rgb[k * w * h + p] = (pixels[p]! / 255) * 2 - 1;
    const ref = fakeEncode({ data: rgb, shape: [1, 3, h, w] }, true);
    const mean: Tensor = { data: (ref.data as Float32Array).slice(0, 4 * 15), shape: [1, 4, 3, 5] };
    expect(maxAbsDiff(z, mean)).toBeLessThan(1e-5);
  });

  it('refuses images that are not multiples of the latent factor or have the wrong channels', async () => {
    const { inputs, outputs } = encSig(true);
    const s = new FakeSession(inputs, outputs, (t) => fakeEncode(t, true));
    await expect(encodeLatents(s, image(1, 20, 16))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', argument: 'image' });
    await expect(encodeLatents(s, { data: new Float32Array(4 * 64), shape: [1, 4, 8, 8] })).rejects.toMatchObject({ code: 'TENSOR_SHAPE_MISMATCH' });
    await expect(encodeLatents(s, { width: 2, height: 2, channels: 3, data: new Uint8Array(3) })).rejects.toMatchObject({ code: 'INVALID_IMAGE' });
    await expect(encodeLatents(s, image(1, 8, 8), { sample: 'mode' as 'mean' })).rejects.toMatchObject({ argument: 'sample' });
  });
});
