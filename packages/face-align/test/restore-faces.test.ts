import { describe, expect, it } from 'vitest';
import { DiffmacError, type ColorImage } from '@diffmac/base';
import { restoreFaces, type RestoreFacesEvent } from '../src/helper/restore-faces';
import { selectFaces } from '../src/helper/select-faces';
import { alignFace } from '../src/align/align-face';
import { fiveFrom98 } from '../src/geometry/five-from-98';
import { ffhqTemplate } from '../src/geometry/template';
import { applyAffine } from '../src/geometry/affine';
import type { DetectedFace, FaceDetector, FiveLandmarks } from '../src/detection/types';
import { alignRoot, diff, flat, loadCases, readRgb } from './golden';

function face(box: [number, number, number, number], landmarks5: FiveLandmarks, score = 0.99): DetectedFace {
  return { box, score, landmarks5 };
}

function fakeDetector(faces: DetectedFace[]): FaceDetector & { calls: number } {
  const d = {
    calls: 0,
    async detect() {
      d.calls++;
      return faces;
    },
    async dispose() {},
  };
  return d;
}

const lm = (dx: number, dy: number, s: number): FiveLandmarks =>
  ffhqTemplate(512).map(([x, y]) => [x * s + dx, y * s + dy] as const) as unknown as FiveLandmarks;

const grey = (w: number, h: number): ColorImage<Uint8Array> => ({ width: w, height: h, channels: 3, data: new Uint8Array(w * h * 3).fill(60) });

describe('restoreFaces', () => {
  it('detects, aligns, restores each face with context, pastes back, reports progress', async () => {
    const photo = grey(300, 200);
    const detector = fakeDetector([face([10, 10, 110, 110], lm(0, 0, 0.2)), face([150, 20, 260, 140], lm(150, 10, 0.22))]);
    const events: RestoreFacesEvent[] = [];
    const seen: number[] = [];
    const { image, faces } = await restoreFaces(photo, {
      detector,
      size: 128,
      restore: (aligned, ctx) => {
        seen.push(ctx.index);
        expect(ctx.count).toBe(2);
        return { ...aligned, data: new Uint8Array(aligned.data.length).fill(250) };
      },
      onProgress: (e) => events.push(e),
    });
    expect(detector.calls).toBe(1);
    expect(seen).toEqual([0, 1]);
    expect(faces).toHaveLength(2);
    expect(faces[0]!.aligned.width).toBe(128);
    expect(events.map((e) => e.type)).toEqual(['detected', 'face-aligned', 'face-restored', 'face-aligned', 'face-restored', 'background', 'pasted']);
    // centre of face 0 in the photo is bright now, a far corner is not
    const [cx, cy] = applyAffine([0.2 * 512 / 128, 0, 0, 0, 0.2 * 512 / 128, 0], [[64, 70]])[0]!;
    expect(image!.data[(Math.round(cy) * 300 + Math.round(cx)) * 3]).toBeGreaterThan(240);
    expect(image!.data[(199 * 300 + 299) * 3]).toBe(60);
  });

  it('restoreBatch gets the faces a batch at a time with their indices, and pastes the same photo as restore', async () => {
    const photo = grey(300, 200);
    const found = [face([10, 10, 110, 110], lm(0, 0, 0.2)), face([150, 20, 260, 140], lm(150, 10, 0.22)), face([120, 100, 200, 190], lm(120, 100, 0.15))];
    const brighten = (f: ColorImage, k: number): ColorImage => ({ ...f, data: Uint8Array.from(f.data as Uint8Array, (v, i) => Math.min(255, v + 40 + k + (i % 7))) });
    const single = await restoreFaces(photo, { faces: found, size: 96, upscale: 1.5, restore: (f, ctx) => brighten(f, ctx.index) });
    const calls: number[][] = [];
    const events: RestoreFacesEvent[] = [];
    const batched = await restoreFaces(photo, {
      faces: found,
      size: 96,
      upscale: 1.5,
      batch: 2,
      restoreBatch: async (faces, ctx) => {
        calls.push(ctx.indices);
        expect(ctx.count).toBe(3);
        expect(ctx.detections).toEqual(ctx.indices.map((i) => found[i]));
        expect(ctx.matrices).toHaveLength(faces.length);
        return faces.map((f, k) => brighten(f, ctx.indices[k]!));
      },
      onProgress: (e) => events.push(e),
    });
    expect(calls).toEqual([[0, 1], [2]]);
    expect(events.map((e) => e.type)).toEqual(['detected', 'face-aligned', 'face-aligned', 'face-restored', 'face-restored', 'face-aligned', 'face-restored', 'background', 'pasted']);
    expect(Buffer.from(batched.image!.data).equals(Buffer.from(single.image!.data))).toBe(true);
    expect(batched.faces.map((f) => f.matrix)).toEqual(single.faces.map((f) => f.matrix));
    for (const k of ['detect', 'align', 'restore', 'paste'] as const) expect(batched.timings[k]).toBeGreaterThanOrEqual(0);
  });

  it('restoreBatch: typed errors for a wrong count, both restorers, a bad batch size', async () => {
    const photo = grey(100, 80);
    const faces = [face([10, 10, 60, 60], lm(10, 10, 0.1)), face([10, 10, 60, 60], lm(10, 10, 0.1))];
    const short = await restoreFaces(photo, { faces, size: 64, restoreBatch: (fs) => fs.slice(1) }).catch((e) => e);
    expect(short).toMatchObject({ code: 'RESTORED_COUNT_MISMATCH', argument: 'options.restoreBatch', expected: '2 faces', received: '1 faces' });
    const resized = await restoreFaces(photo, { faces, size: 64, restoreBatch: (fs) => fs.map(() => grey(3, 3)) }).catch((e) => e);
    expect(resized).toMatchObject({ code: 'RESTORED_SIZE_MISMATCH', argument: 'options.restoreBatch' });
    const both = await restoreFaces(photo, { faces, restore: (f) => f, restoreBatch: (fs) => fs }).catch((e) => e);
    expect(both).toMatchObject({ code: 'CONFLICTING_OPTIONS' });
    const zero = await restoreFaces(photo, { faces, restoreBatch: (fs) => fs, batch: 0 }).catch((e) => e);
    expect(zero).toMatchObject({ code: 'INVALID_ARGUMENT', argument: 'options.batch' });
  });

  it('filters by eye distance, largest face and centre face as facexlib', () => {
    const small = face([0, 0, 10, 10], lm(0, 0, 0.01));
    const big = face([0, 0, 150, 150], lm(0, 0, 0.3));
    const central = face([140, 90, 160, 110], lm(140, 90, 0.05));
    expect(selectFaces([small, big], 300, 200, { eyeDistanceThreshold: 5 })).toEqual([big]);
    expect(selectFaces([central, big], 300, 200, { onlyLargestFace: true })).toEqual([big]);
    expect(selectFaces([big, central], 300, 200, { onlyCenterFace: true })).toEqual([central]);
  });

  it('uses a background upsampler and upscale', async () => {
    const photo = grey(100, 80);
    const { image } = await restoreFaces(photo, {
      faces: [face([10, 10, 60, 60], lm(10, 10, 0.1))],
      size: 64,
      upscale: 2,
      upsampler: (p, s) => ({ width: p.width * s, height: p.height * s, channels: 3, data: new Uint8Array(p.width * s * p.height * s * 3).fill(7) }),
    });
    expect([image!.width, image!.height]).toEqual([200, 160]);
    expect(image!.data[0]).toBe(7);
  });

  it('stops on abort and rejects a restorer that changes the size', async () => {
    const photo = grey(100, 80);
    const controller = new AbortController();
    controller.abort();
    await expect(restoreFaces(photo, { faces: [], signal: controller.signal })).rejects.toThrow();
    const ac = new AbortController();
    await expect(
      restoreFaces(photo, {
        faces: [face([10, 10, 60, 60], lm(10, 10, 0.1)), face([10, 10, 60, 60], lm(10, 10, 0.1))],
        size: 64,
        signal: ac.signal,
        restore: (f) => {
          ac.abort();
          return f;
        },
      }),
    ).rejects.toThrow();
    const err = await restoreFaces(photo, { faces: [face([10, 10, 60, 60], lm(10, 10, 0.1))], size: 64, restore: () => grey(3, 3) }).catch((e) => e);
    expect(err).toBeInstanceOf(DiffmacError);
    expect(err.code).toBe('RESTORED_SIZE_MISMATCH');
    const noDet = await restoreFaces(photo, {} as never).catch((e) => e);
    expect(noDet.code).toBe('MISSING_DETECTOR');
  });

  it('on a golden photo with the golden landmarks gives the golden crop and paste', async () => {
    const c = loadCases().find((k) => k.id === 'A2')!;
    const photo = await readRgb(new URL(c.input, alignRoot));
    const faces = c.faces.map((f) => face([0, 0, 1, 1], f.landmarks as unknown as FiveLandmarks));
    const { image, faces: out } = await restoreFaces(photo, {
      detector: fakeDetector(faces),
      restore: (aligned) => {
        const data = (aligned.data as Uint8Array).slice();
        for (let i = 0; i < data.length; i += 3) {
          data[i] = Math.max(0, data[i]! - 40);
          data[i + 2] = Math.min(255, data[i + 2]! + 40);
        }
        return { ...aligned, data };
      },
    });
    for (let i = 0; i < c.faces.length; i++) {
      const want = await readRgb(new URL(c.faces[i]!.aligned_crop, alignRoot));
      expect(diff(out[i]!.aligned.data, want.data).max).toBeLessThanOrEqual(2);
      out[i]!.matrix.forEach((v, k) => expect(Math.abs(v - flat(c.faces[i]!.affine_matrix)[k]!)).toBeLessThan(1e-3));
    }
    const pasted = await readRgb(new URL(c.pasted, alignRoot));
    expect(diff(image!.data, pasted.data).max).toBeLessThanOrEqual(2);
  });
});

describe('alignFace and fiveFrom98', () => {
  it('maps the landmarks onto the template', () => {
    const photo = grey(200, 200);
    const { face: crop, matrix } = alignFace(photo, lm(20, 30, 0.25), { size: 256 });
    expect([crop.width, crop.height]).toEqual([256, 256]);
    const mapped = applyAffine(matrix, lm(20, 30, 0.25));
    mapped.forEach((p, i) => {
      expect(p[0]).toBeCloseTo(ffhqTemplate(256)[i]![0], 3);
      expect(p[1]).toBeCloseTo(ffhqTemplate(256)[i]![1], 3);
    });
    // corner of the crop falls outside the photo: facexlib grey
    const far = alignFace(photo, lm(-400, -400, 0.25), { size: 64 });
    expect([...far.face.data.subarray(0, 3)]).toEqual([132, 133, 135]);
  });
  it('picks WFLW pupils, nose tip and mouth corners', () => {
    const pts = Array.from({ length: 98 }, (_, i) => [i, -i] as const);
    expect(fiveFrom98(pts)).toEqual([[96, -96], [97, -97], [54, -54], [76, -76], [82, -82]]);
    expect(() => fiveFrom98(pts.slice(0, 68))).toThrow(DiffmacError);
  });
});
