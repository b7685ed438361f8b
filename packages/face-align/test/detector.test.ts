import { existsSync } from 'node:fs';
import { DiffmacError } from '@diffmac/base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDefaultDetector, type FaceDetector } from '../src/index';
import { alignDir, dist, goldenFaces, readRgb, testCacheDir } from './detect-helpers';

let detector: FaceDetector;
beforeAll(async () => {
  detector = await createDefaultDetector({ cacheDir: testCacheDir });
});
afterAll(async () => {
  await detector.dispose();
});

describe('embedded detector on the golden whole images', () => {
  const byInput = new Map<string, ReturnType<typeof goldenFaces>>();
  for (const f of goldenFaces()) byInput.set(f.input, [...(byInput.get(f.input) ?? []), f]);

  for (const [input, faces] of byInput) {
    it(`finds every listed face of ${input} with 5 landmarks near the given ones`, async () => {
      const image = await readRgb(new URL(input, alignDir));
      const found = await detector.detect(image);
      expect(found.length).toBeGreaterThanOrEqual(faces.length);
      for (let i = 1; i < found.length; i++) expect(found[i - 1]!.score).toBeGreaterThanOrEqual(found[i]!.score);
      for (const f of found) {
        expect(f.landmarks).toHaveLength(68);
        expect(f.box[0]).toBeGreaterThanOrEqual(0);
        expect(f.box[3]).toBeLessThanOrEqual(image.height);
      }
      for (const face of faces) {
        const [l0, l1] = face.landmarks as [[number, number], [number, number]];
        const iod = dist(l0, l1);
        // The detection whose left eye is nearest the given left eye.
        const best = found.reduce((a, b) => (dist(a.landmarks5[0], l0) <= dist(b.landmarks5[0], l0) ? a : b));
        const errors = best.landmarks5.map((p, i) => dist(p, face.landmarks[i]!));
        // Hand-placed references; face-api's 68-point net lands within ~0.25 eye distances of them.
        expect(Math.max(...errors), `${face.face} max error ${errors.map((e) => e.toFixed(1))}`).toBeLessThan(0.3 * iod);
        expect(errors.reduce((a, b) => a + b) / 5).toBeLessThan(0.2 * iod);
        // Every landmark lies inside the detected box.
        for (const [x, y] of best.landmarks5) {
          expect(x).toBeGreaterThan(best.box[0]);
          expect(x).toBeLessThan(best.box[2]);
          expect(y).toBeGreaterThan(best.box[1]);
          expect(y).toBeLessThan(best.box[3]);
        }
      }
    });
  }

  it('accepts RGBA and float images with the same result as RGB uint8', async () => {
    const rgb = await readRgb(new URL('inputs/gfpgan_10045.png', alignDir));
    const rgba = new Uint8Array(rgb.width * rgb.height * 4);
    const float = new Float32Array(rgb.width * rgb.height * 3);
    for (let i = 0; i < rgb.width * rgb.height; i++) {
      for (let c = 0; c < 3; c++) {
        rgba[4 * i + c] = rgb.data[3 * i + c]!;
        float[3 * i + c] = rgb.data[3 * i + c]! / 255;
      }
      rgba[4 * i + 3] = 255;
    }
    const a = await detector.detect(rgb);
    const b = await detector.detect({ width: rgb.width, height: rgb.height, channels: 4, data: rgba });
    const c = await detector.detect({ width: rgb.width, height: rgb.height, channels: 3, data: float });
    expect(b).toEqual(a);
    expect(c.length).toBe(a.length);
    for (let i = 0; i < a.length; i++) for (let k = 0; k < 4; k++) expect(Math.abs(c[i]!.box[k]! - a[i]!.box[k]!)).toBeLessThan(1e-2);
  });

  it('minScore filters faces; a flat grey image has none', async () => {
    const image = await readRgb(new URL('inputs/gfpgan_10045.png', alignDir));
    const all = await detector.detect(image, { minScore: 0.3 });
    const strict = await detector.detect(image, { minScore: 0.96 });
    expect(strict.length).toBeLessThan(all.length);
    expect(strict.every((f) => f.score > 0.96)).toBe(true);
    const grey = { width: 64, height: 48, channels: 3 as const, data: new Uint8Array(64 * 48 * 3).fill(128) };
    expect(await detector.detect(grey)).toEqual([]);
  });
});

describe('embedded detector: bad input and lifecycle', () => {
  it('rejects malformed images with one code per fault, naming the argument', async () => {
    const cases = [
      [{ width: 0, height: 4, channels: 3, data: new Uint8Array(0) }, 'IMAGE_EMPTY'],
      [{ width: 2, height: 2, channels: 2, data: new Uint8Array(8) }, 'IMAGE_CHANNELS'],
      [{ width: 2, height: 2, channels: 3, data: new Uint8Array(5) }, 'INVALID_IMAGE'],
      [{ width: 2, height: 2, channels: 3, data: [1, 2, 3] }, 'INVALID_IMAGE'],
    ] as const;
    for (const [img, code] of cases) {
      const err = await detector.detect(img as never).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DiffmacError);
      expect((err as DiffmacError).code).toBe(code);
      expect((err as DiffmacError).argument).toBe('image');
    }
  });

  it('rejects bad options and aborted calls', async () => {
    await expect(createDefaultDetector({ minScore: 1.5, cacheDir: testCacheDir })).rejects.toMatchObject({ argument: 'minScore' });
    await expect(createDefaultDetector({ maxResults: 0, cacheDir: testCacheDir })).rejects.toMatchObject({ argument: 'maxResults' });
    const img = { width: 8, height: 8, channels: 3 as const, data: new Uint8Array(192) };
    await expect(detector.detect(img, { minScore: Number.NaN })).rejects.toMatchObject({ argument: 'minScore' });
    const controller = new AbortController();
    controller.abort();
    await expect(detector.detect(img, { signal: controller.signal })).rejects.toThrow();
  });

  it('a disposed detector refuses to run', async () => {
    const d = await createDefaultDetector({ cacheDir: testCacheDir, landmarks: false });
    await d.dispose();
    await d.dispose();
    const img = { width: 8, height: 8, channels: 3 as const, data: new Uint8Array(192) };
    await expect(d.detect(img)).rejects.toMatchObject({ code: 'DETECTOR_DISPOSED' });
    expect(existsSync(testCacheDir)).toBe(true);
  });
});
