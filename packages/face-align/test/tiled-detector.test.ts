/**
 * Detection at native resolution: the same group photo padded onto 2× and 3× larger canvases (the
 * faces keep their size) must give the same faces as the photo alone.
 */
import type { ColorImage } from '@diffmac/base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDefaultDetector, createTiledDetector, type FaceDetector } from '../src/index';
import { alignRoot, readRgb } from './golden';

let photo: ColorImage<Uint8Array>;
let plain: FaceDetector;
let tiled: FaceDetector;

beforeAll(async () => {
  photo = (await readRgb(new URL('inputs/gfpgan_10045.png', alignRoot))) as ColorImage<Uint8Array>;
  plain = await createDefaultDetector({ threads: 1 });
  tiled = createTiledDetector(plain, { tileSize: 768 });
});
afterAll(async () => {
  await plain.dispose();
});

/** The photo at the top-left of a `k`× larger mid-grey canvas. */
function padded(k: number): ColorImage<Uint8Array> {
  const width = photo.width * k;
  const height = photo.height * k;
  const data = new Uint8Array(width * height * 3).fill(128);
  for (let y = 0; y < photo.height; y++) data.set(photo.data.subarray(y * photo.width * 3, (y + 1) * photo.width * 3), y * width * 3);
  return { width, height, channels: 3, data };
}

const centres = (faces: { box: readonly number[] }[]) => faces.map((f) => [(f.box[0]! + f.box[2]!) / 2, (f.box[1]! + f.box[3]!) / 2]).sort((a, b) => a[0]! - b[0]!);

describe('createTiledDetector', () => {
  it('finds the same faces, at the same places, at 1×, 2× and 3× canvas size', async () => {
    const base = await plain.detect(photo);
    expect(base.length).toBeGreaterThan(0);
    for (const k of [2, 3]) {
      const big = padded(k);
      const t0 = performance.now();
      const faces = await tiled.detect(big);
      const ms = performance.now() - t0;
      expect(faces.length, `${k}×: ${faces.length} faces, ${ms.toFixed(0)} ms`).toBe(base.length);
      const got = centres(faces);
      centres(base).forEach((c, i) => {
        expect(Math.hypot(c[0]! - got[i]![0]!, c[1]! - got[i]![1]!)).toBeLessThan(0.1 * (base[i]!.box[2] - base[i]!.box[0]));
      });
    }
  }, 120_000);

  it('leaves photos up to twice the tile size to the whole-photo pass', async () => {
    const a = await tiled.detect(photo);
    const b = await plain.detect(photo);
    expect(a).toEqual(b);
  });
});
