import { DiffmacError } from '@diffmac/base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFaceEmbedder, type FaceEmbedder } from '../src/index';
import { alignDir, crop, readRgb, testCacheDir, type RgbImage } from './detect-helpers';

let embedder: FaceEmbedder;
let man: RgbImage;
let manShifted: RgbImage;
let woman: RgbImage;
let child: RgbImage;

beforeAll(async () => {
  embedder = await createFaceEmbedder({ cacheDir: testCacheDir, threads: 1 });
  const group = await readRgb(new URL('inputs/gfpgan_10045.png', alignDir));
  man = crop(group, 168, 100, 90, 110);
  manShifted = crop(group, 171, 98, 90, 110);
  woman = crop(group, 377, 120, 80, 100);
  child = crop(await readRgb(new URL('inputs/blake_lively.png', alignDir)), 100, 130, 145, 165);
});
afterAll(async () => {
  await embedder.dispose();
});

const l2 = (v: Float32Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
const distance = (a: Float32Array, b: Float32Array) => Math.sqrt(a.reduce((s, x, i) => s + (x - b[i]!) ** 2, 0));

describe('createFaceEmbedder (face-api 128-D recognition net)', () => {
  it('gives one 128-D descriptor per face, deterministic and batch-independent', async () => {
    expect(embedder.dimension).toBe(128);
    expect(embedder.normalized).toBe(false);
    const batch = await embedder.embed([man, woman, child]);
    expect(batch).toHaveLength(3);
    for (const d of batch) expect(d).toHaveLength(128);
    const [single] = await embedder.embed(woman);
    expect(distance(single!, batch[1]!)).toBeLessThan(1e-4);
    const [again] = await embedder.embed([woman]);
    expect(Array.from(again!)).toEqual(Array.from(single!));
    // face-api's descriptors are not unit length.
    expect(l2(batch[0]!)).toBeGreaterThan(1.1);
  });

  it('separates identities: a re-cropped face stays closer than another person', async () => {
    const [a, b, c, d] = await embedder.embed([man, manShifted, woman, child]);
    const same = distance(a!, b!);
    expect(same).toBeLessThan(0.35);
    expect(distance(a!, c!)).toBeGreaterThan(same * 1.5);
    expect(distance(a!, d!)).toBeGreaterThan(same * 1.5);
  });

  it('normalize: true returns the same direction at unit length', async () => {
    const unit = await createFaceEmbedder({ cacheDir: testCacheDir, normalize: true, batchSize: 1 });
    try {
      const [raw] = await embedder.embed(man);
      const [n] = await unit.embed(man);
      expect(unit.normalized).toBe(true);
      expect(l2(n!)).toBeCloseTo(1, 5);
      const r = l2(raw!);
      n!.forEach((v, i) => expect(v).toBeCloseTo(raw![i]! / r, 5));
    } finally {
      await unit.dispose();
    }
  });

  it('typed errors for bad faces, bad options and use after dispose', async () => {
    const err = await embedder.embed([man, { width: 2, height: 2, channels: 1, data: new Uint8Array(4) } as never]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DiffmacError);
    expect(err).toMatchObject({ code: 'IMAGE_CHANNELS', argument: 'faces[1]' });
    await expect(createFaceEmbedder({ cacheDir: testCacheDir, batchSize: 0 })).rejects.toMatchObject({ argument: 'batchSize' });
    const e2 = await createFaceEmbedder({ cacheDir: testCacheDir });
    await e2.dispose();
    await expect(e2.embed(man)).rejects.toMatchObject({ code: 'EMBEDDER_DISPOSED' });
    expect(await embedder.embed([])).toEqual([]);
  });
});
