import { readFileSync } from 'node:fs';
import { OnnxGraphBuilder } from '@diffmac/core';
import { describe, expect, it } from 'vitest';
import {
  DiffmacError,
  arcfaceInput,
  cosineSimilarity,
  createArcFaceEmbedder,
  createFanLandmarker,
  heatmapPoints,
  identityAngle,
  identityScore,
  landmarkDistance,
  landmarkScore,
  resizeLinearU8,
  toGray8,
} from '../src/index';

const resizeCases = JSON.parse(readFileSync(new URL('./fixtures/resize-linear-u8.json', import.meta.url), 'utf8')) as {
  cases: { h: number; w: number; c: number; oh: number; ow: number; src: number[]; dst: number[] }[];
};

const flat = (w: number, h: number, f: (x: number, y: number) => [number, number, number]) => {
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set(f(x, y), (y * w + x) * 3);
  return { width: w, height: h, channels: 3 as const, data };
};

describe('OpenCV-exact 8-bit preprocessing', () => {
  it('resizeLinearU8 equals cv2.resize INTER_LINEAR (down, up, 1 and 3 channels)', () => {
    for (const c of resizeCases.cases) {
      const out = resizeLinearU8(Uint8Array.from(c.src), c.w, c.h, c.c, c.ow, c.oh);
      expect(Array.from(out), `${c.h}x${c.w}x${c.c} -> ${c.oh}x${c.ow}`).toEqual(c.dst);
    }
  });
  it('grey conversions: libpng (imread) and cvtColor fixed point', () => {
    const img = flat(1, 1, () => [200, 100, 50]);
    expect(toGray8(img, 'imread-png')[0]).toBe(Math.floor((9797 * 200 + 19234 * 100 + 3737 * 50) / 32768));
    expect(toGray8(img, 'cvtcolor')[0]).toBe(Math.floor((4899 * 200 + 9617 * 100 + 1868 * 50 + 8192) / 16384));
  });
  it('arcfaceInput is [1,1,128,128] with (x-127.5)/127.5', () => {
    const t = arcfaceInput(flat(512, 512, () => [255, 255, 255]));
    expect(t.shape).toEqual([1, 1, 128, 128]);
    expect(t.data[0]).toBe(1);
  });
});

describe('identity over an embedder interface', () => {
  it('cosine and angle in degrees and radians', () => {
    expect(cosineSimilarity([1, 0], [1, 1])).toBeCloseTo(Math.SQRT1_2, 15);
    expect(identityAngle(0.5, 'degrees')).toBeCloseTo(60, 12);
    expect(identityAngle(0.5, 'radians')).toBeCloseTo(Math.PI / 3, 15);
    expect(identityAngle(1 + 1e-12)).toBe(0);
  });
  it('an ArcFace-contract ONNX model through core: embeddings = [mean, top-half mean] of the normalised grey input', async () => {
    const b = new OnnxGraphBuilder();
    b.input('data', 'float32', ['n', 1, 128, 128]);
    b.output('embedding', 'float32', ['n', 2]);
    const w = new Float32Array(128 * 128 * 2);
    for (let i = 0; i < 128 * 128; i++) {
      w[i * 2] = 1 / (128 * 128);
      w[i * 2 + 1] = i < 64 * 128 ? 1 / (64 * 128) : 0;
    }
    b.initializer('w', w, [128 * 128, 2]);
    b.node('Flatten', ['data'], ['flat'], { axis: 1 });
    b.node('MatMul', ['flat', 'w'], ['embedding']);
    const embedder = await createArcFaceEmbedder({ model: b.toBytes() });
    const split = (top: number, bottom: number) => flat(256, 256, (_, y) => (y < 128 ? [top, top, top] : [bottom, bottom, bottom]));
    const x = (g: number) => (g - 127.5) / 127.5;
    const s = await identityScore(split(255, 0), split(0, 255), embedder, { unit: 'degrees' });
    const e1 = [(x(255) + x(0)) / 2, x(255)];
    const e2 = [(x(0) + x(255)) / 2, x(0)];
    expect(s.cosine).toBeCloseTo(cosineSimilarity(e1, e2), 6);
    expect(s.angle).toBeCloseTo(identityAngle(cosineSimilarity(e1, e2)), 4);
    await embedder.dispose();
  });
  it('a model with the wrong input gets a typed error naming it', async () => {
    const b = new OnnxGraphBuilder();
    b.input('pixels', 'float32', ['n', 3, 112, 112]);
    b.output('e', 'float32', ['n', 3, 112, 112]);
    b.node('Relu', ['pixels'], ['e']);
    const err = await createArcFaceEmbedder({ model: b.toBytes() }).catch((e: unknown) => e);
    expect((err as DiffmacError).code).toBe('IDENTITY_MODEL_SIGNATURE');
    expect((err as DiffmacError).message).toContain('pixels[n,3,112,112]');
  });
});

describe('LMD over a landmark-detector interface', () => {
  it('mean L2 distance', () => {
    expect(landmarkDistance([[0, 0], [1, 1]], [[3, 4], [1, 1]])).toBe(2.5);
    expect(() => landmarkDistance([[0, 0]], [])).toThrow(DiffmacError);
  });
  it('heatmapPoints: argmax, quarter-pixel shift toward the larger neighbour, +0.5', () => {
    const hm = new Float32Array(2 * 8 * 8);
    hm[3 * 8 + 4] = 1; // map 0: max at (x4, y3)
    hm[3 * 8 + 5] = 0.5; // right neighbour larger -> +0.25 x
    hm[2 * 8 + 4] = 0.3; // upper neighbour larger -> -0.25 y
    hm[64 + 5 * 8 + 2] = 1; // map 1: max at (x2, y5), flat neighbours
    const p = heatmapPoints(hm, 2, 8, 8);
    expect(Array.from(p)).toEqual([4.75, 3.25, 2.5, 5.5]);
  });
  it('a FAN-contract ONNX model: heatmaps = 4x4 average pool of the input; points scale back to image pixels', async () => {
    const b = new OnnxGraphBuilder();
    b.input('input', 'float32', [1, 3, 256, 256]);
    b.output('heatmaps', 'float32', [1, 3, 64, 64]);
    b.node('AveragePool', ['input'], ['heatmaps'], { kernel_shape: [4, 4], strides: [4, 4] });
    const fan = await createFanLandmarker({ model: b.toBytes(), points: 3 });
    // a 512x512 image: red spot at (100, 40), green at (300, 200), blue at (20, 480); spots 8x8 aligned to the 8-px grid
    const spot = (sx: number, sy: number, x: number, y: number) => x >= sx && x < sx + 8 && y >= sy && y < sy + 8;
    const img = flat(512, 512, (x, y) => [spot(96, 40, x, y) ? 255 : 0, spot(296, 200, x, y) ? 255 : 0, spot(16, 472, x, y) ? 255 : 0]);
    const pts = await fan.landmarks(img);
    // heatmap cell = 8 image px; the spot covers one full cell (flat neighbours): centre = (cell + 0.5) * 8
    expect(pts).toEqual([
      [(96 / 8 + 0.5) * 8, (40 / 8 + 0.5) * 8],
      [(296 / 8 + 0.5) * 8, (200 / 8 + 0.5) * 8],
      [(16 / 8 + 0.5) * 8, (472 / 8 + 0.5) * 8],
    ]);
    expect(await landmarkScore(img, img, fan)).toBe(0);
    await fan.dispose();
  });
});
