import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTinyVaeDecoder, buildTinyVaeEncoder } from '@diffmac/core/testing';
import { createRng, createSession, decodeLatents, OnnxGraphBuilder, encodeLatents, readImage, tensorToImage, writeImage, type ModelSession, type Tensor } from '@diffmac/core';

let encoder: ModelSession;
let decoder: ModelSession;
let dir = '';

beforeAll(async () => {
  const rng = createRng(11);
  encoder = await createSession(buildTinyVaeEncoder({ rng: rng.fork('vae_encoder') }).bytes, { threads: 1, name: 'tiny vae_encoder' });
  decoder = await createSession(buildTinyVaeDecoder({ rng: rng.fork('vae_decoder') }).bytes, { threads: 1, name: 'tiny vae_decoder' });
  dir = await mkdtemp(path.join(tmpdir(), 'diffmac-vae-'));
});

afterAll(async () => {
  await encoder?.dispose();
  await decoder?.dispose();
  await rm(dir, { recursive: true, force: true });
});

function maxAbsDiff(a: Tensor, b: Tensor): number {
  expect(a.shape).toEqual(b.shape);
  const x = a.data as Float32Array;
  const y = b.data as Float32Array;
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]! - y[i]!));
  return m;
}

describe('VAE through tiny ONNX models (onnxruntime-node)', () => {
  it('encodes and decodes an image file end to end, tiled results matching one pass', async () => {
    const w = 88;
    const h = 56;
    const pixels = new Uint8Array(w * h * 3).map((_, i) => (i * 13 + (i >> 5)) % 256);
    const src = path.join(dir, 'in.png');
    await writeImage(src, { width: w, height: h, channels: 3, data: pixels });
    const image = await readImage(src);

    const whole = await encodeLatents(encoder, image, { scalingFactor: 0.18215, tileSize: 512 });
    expect(whole.shape).toEqual([1, 4, 7, 11]);
    const events: number[] = [];
    const tiled = await encodeLatents(encoder, image, { scalingFactor: 0.18215, tileSize: 32, overlap: 16, onProgress: (e) => events.push(e.tile) });
    expect(events.length).toBeGreaterThan(4);
    // the tiny encoder is block-local (8×8 patches), so blending must reproduce the one-pass result
    expect(maxAbsDiff(tiled, whole)).toBeLessThan(1e-4);
    expect(Array.from(whole.data as Float32Array).every(Number.isFinite)).toBe(true);

    const decodedWhole = await decodeLatents(decoder, whole, { scalingFactor: 0.18215 });
    expect(decodedWhole.shape).toEqual([1, 3, h, w]);
    const decodedTiled = await decodeLatents(decoder, whole, { scalingFactor: 0.18215, tileSize: 32, overlap: 8 });
    expect(maxAbsDiff(decodedTiled, decodedWhole)).toBeLessThan(1e-4);
    const d = decodedWhole.data as Float32Array;
    expect(d.every((v) => v >= -1 && v <= 1)).toBe(true); // the tiny decoder ends in tanh

    const out = tensorToImage(decodedTiled, { range: 'signed', depth: 8 });
    const file = path.join(dir, 'out.png');
    await writeImage(file, out);
    const back = await readImage(file);
    expect([back.width, back.height, back.channels]).toEqual([w, h, 3]);
    expect(Array.from(back.data)).toEqual(Array.from(out.data));
  });

  it('decodes a batch and names the model in shape errors', async () => {
    const z: Tensor = { data: new Float32Array(2 * 4 * 3 * 5), shape: [2, 4, 3, 5] };
    createRng(3).normal(z.data as Float32Array);
    const out = await decodeLatents(decoder, z);
    expect(out.shape).toEqual([2, 3, 24, 40]);
    const bad: Tensor = { data: new Float32Array(3 * 9), shape: [1, 3, 3, 3] };
    await expect(decodeLatents(decoder, bad)).rejects.toMatchObject({ code: 'TENSOR_SHAPE_MISMATCH' });
    await expect(decodeLatents(decoder, bad)).rejects.toThrow(/tiny vae_decoder/);
  });

  it('tiles and edge-pads for a decoder whose signature fixes the input size (factor read from it)', async () => {
    // latent_sample [1, 4, 8, 8] → nearest ×8 → first 3 channels → tanh → sample [1, 3, 64, 64]
    const b = new OnnxGraphBuilder({ name: 'fixed_vae_decoder' });
    const z = b.input('latent_sample', 'float32', [1, 4, 8, 8]);
    const scales = b.initializer('scales', new Float32Array([1, 1, 8, 8]), [4]);
    const [up] = b.node('Resize', [z, '', scales], ['up'], { mode: 'nearest' });
    const starts = b.initializer('starts', new BigInt64Array([0n]), [1]);
    const ends = b.initializer('ends', new BigInt64Array([3n]), [1]);
    const axes = b.initializer('axes', new BigInt64Array([1n]), [1]);
    const [rgb] = b.node('Slice', [up!, starts, ends, axes], ['rgb']);
    b.node('Tanh', [rgb!], ['sample']);
    b.output('sample', 'float32', [1, 3, 64, 64]);
    const fixed = await createSession(b.toBytes(), { threads: 1, name: 'fixed vae_decoder' });
    try {
      const h = 5;
      const w = 19; // 3 columns of 8-cell tiles, edge tiles padded up to 8 rows
      const latents: Tensor = { data: new Float32Array(4 * h * w), shape: [1, 4, h, w] };
      createRng(9).normal(latents.data as Float32Array);
      const tiles: number[] = [];
      const out = await decodeLatents(fixed, latents, { scalingFactor: 1, onProgress: (e) => tiles.push(e.tile) });
      expect(out.shape).toEqual([1, 3, h * 8, w * 8]);
      expect(tiles.length).toBeGreaterThanOrEqual(3);
      const d = out.data as Float32Array;
      const zd = latents.data as Float32Array;
      let maxErr = 0;
      for (let c = 0; c < 3; c++)
        for (let y = 0; y < h * 8; y++)
          for (let x = 0; x < w * 8; x++) {
            const want = Math.tanh(zd[c * h * w + (y >> 3) * w + (x >> 3)]!);
            maxErr = Math.max(maxErr, Math.abs(d[(c * h * 8 + y) * w * 8 + x]! - want));
          }
      expect(maxErr).toBeLessThan(1e-5);
    } finally {
      await fixed.dispose();
    }
  });
});
