/**
 * RetinaFace, SCRFD and YuNet adapters on tiny self-built ONNX models whose outputs are known
 * constants (and, for YuNet, a simple function of the input), so the decoding maths is checked
 * against hand-computed boxes and landmarks.
 */
import { DiffmacError } from '@diffmac/base';
import { createSession, OnnxGraphBuilder } from '@diffmac/core';
import { describe, expect, it } from 'vitest';
import {
  createRetinaFaceDetector,
  createScrfdDetector,
  createYuNetDetector,
  decodeRetinaFace,
  finishCandidates,
  fiveFrom68,
  nms,
  prepareInput,
  retinaFacePriors,
} from '../src/index';

type Outputs = Record<string, { shape: number[]; data: Float32Array }>;

/** A model with input `input` [1, 3, h, w] whose outputs are the given constants (in the given order). */
function constantModel(inputShape: (number | string)[], outputs: Outputs, dependOnInput: string[] = []): Uint8Array {
  const b = new OnnxGraphBuilder({ name: 'constant-detector' });
  const x = b.input('input', 'float32', inputShape);
  // max(input) / 255: 1 for an image with a white pixel, 0 for a black one.
  const gate = b.op('Div', [b.op('ReduceMax', [x], { keepdims: 0 }), b.constant('c255', Float32Array.of(255), [])]);
  for (const [name, t] of Object.entries(outputs)) {
    const c = b.constant(`${name}_value`, t.data, t.shape);
    const value = dependOnInput.includes(name) ? b.op('Mul', [c, gate]) : c;
    b.node('Identity', [value], [name]);
    b.output(name, 'float32', t.shape);
  }
  return b.toBytes();
}

const image = (w: number, h: number, value = 255) => ({ width: w, height: h, channels: 3 as const, data: new Uint8Array(w * h * 3).fill(value) });
const close = (a: readonly number[], b: readonly number[], digits = 4) => {
  expect(a.length).toBe(b.length);
  a.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, digits));
};

describe('RetinaFace', () => {
  const n = retinaFacePriors(64, 64).length / 4;
  const loc = new Float32Array(4 * n);
  const conf = new Float32Array(2 * n);
  const landm = new Float32Array(10 * n);
  for (let i = 0; i < n; i++) conf[2 * i] = 1;
  const set = (i: number, score: number, l: number[], lm: number[]) => {
    conf[2 * i] = 1 - score;
    conf[2 * i + 1] = score;
    loc.set(l, 4 * i);
    landm.set(lm, 10 * i);
  };
  // A: step 8, row 3, col 4, min size 32 -> prior (36, 28) px, 32 px.
  const A = (3 * 8 + 4) * 2 + 1;
  set(A, 0.99, [0.2, -0.4, Math.log(1.5) / 0.2, 0], [-2, -1, 2, -1, 0, 0, -1.5, 1.5, 1.5, 1.5]);
  // B: same cell, min size 16, decoded to the same box as A, lower score -> suppressed.
  set(A - 1, 0.98, [0.4, -0.8, Math.log(3) / 0.2, Math.log(2) / 0.2], [0, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
  // C: below 0.97.
  set((1 * 8 + 1) * 2, 0.96, [0, 0, 0, 0], [-3, 0, 3, 0, 0, 0, 0, 0, 0, 0]);
  // D: step 16, row 2, col 2, min 64: highest score but both eyes at one point -> eye distance 0.
  set(128 + (2 * 4 + 2) * 2, 0.995, [0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  // E: step 32, row 1, col 0, min 512.
  set(128 + 32 + (1 * 2 + 0) * 2 + 1, 0.975, [0, 0, 0, 0], [-0.1, 0, 0.1, 0, 0, 0.1, -0.05, 0.2, 0.05, 0.2]);
  const model = constantModel([1, 3, 64, 64], {
    loc: { shape: [1, n, 4], data: loc },
    conf: { shape: [1, n, 2], data: conf },
    landms: { shape: [1, n, 10], data: landm },
  });
  const boxA = [12.64, 10.72, 60.64, 42.72];
  const fiveA = [29.6, 24.8, 42.4, 24.8, 36, 28, 31.2, 32.8, 40.8, 32.8];
  const boxE = [-240, -208, 272, 304];
  const fiveE = [10.88, 48, 21.12, 48, 16, 53.12, 13.44, 58.24, 18.56, 58.24];

  it('priors follow facexlib (steps 8/16/32, two min sizes each, centre of each cell)', () => {
    const p = retinaFacePriors(64, 64);
    expect(p.length / 4).toBe((64 + 16 + 4) * 2);
    close(Array.from(p.subarray(0, 8)), [4 / 64, 4 / 64, 16 / 64, 16 / 64, 4 / 64, 4 / 64, 32 / 64, 32 / 64], 12);
    close(Array.from(p.subarray(4 * 128, 4 * 129)), [8 / 64, 8 / 64, 1, 1], 12);
    expect(retinaFacePriors(65, 33).length / 4).toBe((9 * 5 + 5 * 3 + 3 * 2) * 2);
  });

  it('decodes boxes and landmarks with the variances, then NMS, threshold and eye-distance filter', async () => {
    const detector = await createRetinaFaceDetector(model);
    const faces = await detector.detect(image(64, 64));
    expect(faces.map((f) => f.score)).toEqual([0.99, 0.975].map(Math.fround));
    close([...faces[0]!.box], boxA);
    close(faces[0]!.landmarks5.flat(), fiveA);
    close([...faces[1]!.box], boxE);
    close(faces[1]!.landmarks5.flat(), fiveE);
    // Lower threshold: C appears; no eye filter: D appears first.
    expect((await detector.detect(image(64, 64), { minScore: 0.9 })).map((f) => f.score)).toEqual([0.99, 0.975, 0.96].map(Math.fround));
    await detector.dispose();
    const all = await createRetinaFaceDetector(model, { minEyeDistance: 0 });
    expect((await all.detect(image(64, 64)))[0]!.score).toBe(Math.fround(0.995));
    await all.dispose();
  });

  it('maps back through the resize into a fixed-size model input', async () => {
    const detector = await createRetinaFaceDetector(model);
    const faces = await detector.detect(image(128, 100));
    close([...faces[0]!.box], boxA.map((v) => v * 2));
    close(faces[0]!.landmarks5.flat(), fiveA.map((v) => v * 2));
    await detector.dispose();
  });

  it('logit scores go through a softmax', () => {
    const logits = new Float32Array(2 * n);
    logits[2 * A + 1] = 5; // softmax([0, 5])[1] = 0.9933
    const c = decodeRetinaFace({ loc: { data: loc, shape: [1, n, 4] }, conf: { data: logits, shape: [1, n, 2] }, l: { data: landm, shape: [1, n, 10] } }, 64, 64, {
      minScore: 0.97,
      logits: true,
    });
    expect(c).toHaveLength(1);
    expect(c[0]!.score).toBeCloseTo(1 / (1 + Math.exp(-5)), 6);
    close([...c[0]!.box], boxA);
  });
});

describe('SCRFD', () => {
  const levels = [
    { stride: 8, cells: 64 },
    { stride: 16, cells: 16 },
    { stride: 32, cells: 4 },
  ];
  const outputs: Outputs = {};
  const tensors = levels.map(({ cells }) => ({
    score: new Float32Array(cells * 2),
    box: new Float32Array(cells * 2 * 4),
    kps: new Float32Array(cells * 2 * 10),
  }));
  // stride 8: cell (row 3, col 4), anchor 1 -> centre (32, 24).
  const i = (3 * 8 + 4) * 2 + 1;
  tensors[0]!.score[i] = 0.99;
  tensors[0]!.box.set([2, 1.5, 3, 2.5], 4 * i);
  tensors[0]!.kps.set([-1, -0.5, 1, -0.5, 0, 0.5, -0.8, 1.2, 0.8, 1.2], 10 * i);
  // stride 32: cell (row 1, col 1), anchor 0 -> centre (32, 32), score 0.98, far from the first box? no: same place, bigger.
  const j = (1 * 2 + 1) * 2;
  tensors[2]!.score[j] = 0.98;
  tensors[2]!.box.set([0.25, 0.25, 0.25, 0.25], 4 * j);
  tensors[2]!.kps.set([-0.1, -0.1, 0.1, -0.1, 0, 0, -0.05, 0.1, 0.05, 0.1], 10 * j);
  // Shuffled order and opaque names: the adapter must tell them apart by shape.
  outputs.o7 = { shape: [8, 4], data: tensors[2]!.box };
  outputs.o1 = { shape: [128, 1], data: tensors[0]!.score };
  outputs.o5 = { shape: [128, 10], data: tensors[0]!.kps };
  outputs.o2 = { shape: [32, 1], data: tensors[1]!.score };
  outputs.o4 = { shape: [32, 4], data: tensors[1]!.box };
  outputs.o3 = { shape: [128, 4], data: tensors[0]!.box };
  outputs.o8 = { shape: [8, 1], data: tensors[2]!.score };
  outputs.o9 = { shape: [32, 10], data: tensors[1]!.kps };
  outputs.o6 = { shape: [8, 10], data: tensors[2]!.kps };
  const model = constantModel([1, 3, 64, 64], outputs);

  it('decodes distance boxes and keypoints around anchor centres, per stride', async () => {
    const detector = await createScrfdDetector(model);
    const faces = await detector.detect(image(64, 64));
    expect(faces).toHaveLength(2);
    close([...faces[0]!.box], [16, 12, 56, 44]);
    close(faces[0]!.landmarks5.flat(), [24, 20, 40, 20, 32, 28, 25.6, 33.6, 38.4, 33.6]);
    close([...faces[1]!.box], [24, 24, 40, 40]);
    close(faces[1]!.landmarks5.flat(), [28.8, 28.8, 35.2, 28.8, 32, 32, 30.4, 35.2, 33.6, 35.2]);
    // NMS at 0.4: the second box lies inside the first (IoU 256 / 1280 = 0.2), so both stay; at 0.1 only one.
    await detector.dispose();
    const strict = await createScrfdDetector(model, { iouThreshold: 0.1 });
    expect(await strict.detect(image(64, 64))).toHaveLength(1);
    await strict.dispose();
  });

  it('a model without keypoints is refused with a clear error', async () => {
    const noKps = constantModel([1, 3, 64, 64], { a: outputs.o1!, b: outputs.o2!, c: outputs.o8!, d: outputs.o3!, e: outputs.o4!, f: outputs.o7! });
    const detector = await createScrfdDetector(noKps);
    await expect(detector.detect(image(64, 64))).rejects.toMatchObject({ code: 'DETECTOR_OUTPUTS' });
    await detector.dispose();
  });
});

describe('YuNet', () => {
  const outputs: Outputs = {};
  for (const [s, cells] of [
    [8, 64],
    [16, 16],
    [32, 4],
  ] as const) {
    outputs[`cls_${s}`] = { shape: [1, cells, 1], data: new Float32Array(cells) };
    outputs[`obj_${s}`] = { shape: [1, cells, 1], data: new Float32Array(cells).fill(1) };
    outputs[`bbox_${s}`] = { shape: [1, cells, 4], data: new Float32Array(cells * 4) };
    outputs[`kps_${s}`] = { shape: [1, cells, 10], data: new Float32Array(cells * 10) };
  }
  const i = 3 * 8 + 4;
  outputs.cls_8!.data[i] = 0.98;
  outputs.bbox_8!.data.set([0.5, -0.25, Math.log(4), Math.log(3)], 4 * i);
  outputs.kps_8!.data.set([-0.5, 0, 0.5, 0, 0, 0.5, -0.4, 1, 0.4, 1], 10 * i);
  // obj_8 is multiplied by max(input) / 255, so a black image has no faces.
  const model = constantModel([1, 3, 'height', 'width'], outputs, ['obj_8']);

  it('scores √(cls·obj) and decodes cells in stride units; input padded to a multiple of 32 and fed as 0–255', async () => {
    const detector = await createYuNetDetector(model);
    const faces = await detector.detect(image(60, 50));
    expect(faces).toHaveLength(1);
    expect(faces[0]!.score).toBeCloseTo(Math.sqrt(0.98), 6);
    close([...faces[0]!.box], [20, 10, 52, 34]);
    close(faces[0]!.landmarks5.flat(), [28, 24, 36, 24, 32, 28, 28.8, 32, 35.2, 32]);
    expect(await detector.detect(image(60, 50, 0))).toEqual([]);
    await detector.dispose();
  });

  it('accepts a session created by the caller and leaves it open', async () => {
    const session = await createSession(model);
    const detector = await createYuNetDetector(session);
    expect(await detector.detect(image(64, 64))).toHaveLength(1);
    await detector.dispose();
    await expect((await createYuNetDetector(session)).detect(image(64, 64))).resolves.toHaveLength(1);
    await session.dispose();
  });
});

describe('shared pieces and bad input', () => {
  it('prepareInput: channel order, mean/std, letterbox and padding', () => {
    const img = { width: 2, height: 1, channels: 3 as const, data: Uint8Array.from([10, 20, 30, 40, 50, 60]) };
    const bgr = prepareInput(img, { channelOrder: 'bgr', mean: [1, 2, 3], std: [1, 2, 4], multipleOf: 4 });
    expect([bgr.width, bgr.height, bgr.scale]).toEqual([4, 4, 1]);
    const plane = 16;
    expect(bgr.data[0]).toBe(30 - 1); // B first
    expect(bgr.data[plane + 1]).toBe((50 - 2) / 2);
    expect(bgr.data[2 * plane]).toBe((10 - 3) / 4);
    expect(bgr.data[3]).toBe(-1); // black padding
    const big = prepareInput(image(100, 50, 200), { channelOrder: 'rgb', mean: [0, 0, 0], std: [1, 1, 1] }, { width: 20, height: 20 });
    expect(big.scale).toBeCloseTo(0.2, 12);
    expect(big.data[9 * 20 + 19]).toBeCloseTo(200, 4); // inside the 20x10 content
    expect(big.data[10 * 20]).toBe(0); // below it
  });

  it('finishCandidates keeps the best of overlapping boxes and rescales', () => {
    const faces = finishCandidates(
      [
        { box: [0, 0, 10, 10], score: 0.9, landmarks: [2, 3, 8, 3, 5, 5, 3, 8, 7, 8] },
        { box: [1, 1, 11, 11], score: 0.95, landmarks: [2, 3, 8, 3, 5, 5, 3, 8, 7, 8] },
      ],
      0.5,
      { minScore: 0.5, iouThreshold: 0.4, minEyeDistance: 5 },
    );
    expect(faces).toHaveLength(1);
    expect(faces[0]!.box).toEqual([2, 2, 22, 22]);
    expect(faces[0]!.landmarks5[1]).toEqual([16, 6]);
  });

  it('fiveFrom68: eye centres from six points each, nose 30, mouth corners 48 and 54; typed errors', () => {
    const pts = Array.from({ length: 68 }, (_, i) => [i, 2 * i] as [number, number]);
    expect(fiveFrom68(pts)).toEqual([
      [38.5, 77],
      [44.5, 89],
      [30, 60],
      [48, 96],
      [54, 108],
    ]);
    expect(() => fiveFrom68(pts.slice(1))).toThrow(expect.objectContaining({ code: 'INVALID_LANDMARKS', argument: 'landmarks' }));
    const bad = pts.slice();
    bad[40] = [Number.NaN, 1];
    expect(() => fiveFrom68(bad)).toThrow(expect.objectContaining({ argument: 'landmarks[40]' }));
  });

  it('nms: greedy by score, ties by index, IoU strictly above the threshold suppresses', () => {
    const boxes = [
      [0, 0, 10, 10],
      [0, 0, 10, 10],
      [5, 0, 15, 10],
      [20, 20, 30, 30],
    ] as const;
    expect(nms(boxes, [0.8, 0.8, 0.9, 0.1], { iouThreshold: 0.5, minScore: 0.05 })).toEqual([2, 0, 3]);
    // IoU([0,0,10,10], [5,0,15,10]) = 1/3: kept at 1/3, suppressed below it.
    expect(nms(boxes, [0.8, 0.1, 0.9, 0.1], { iouThreshold: 1 / 3, minScore: 0.5 })).toEqual([2, 0]);
    expect(nms(boxes, [0.8, 0.1, 0.9, 0.1], { iouThreshold: 0.3, minScore: 0.5 })).toEqual([2]);
    expect(nms(boxes, [0.8, 0.7, 0.9, 0.6], { iouThreshold: 0.5, minScore: 0, maxResults: 2 })).toEqual([2, 0]);
  });

  it('typed errors for bad models, options and images', async () => {
    const model = constantModel([1, 3, 64, 64], { x: { shape: [1, 1, 4], data: new Float32Array(4) } });
    await expect(createRetinaFaceDetector(model, { minScore: 2 })).rejects.toMatchObject({ argument: 'minScore' });
    await expect(createRetinaFaceDetector(model, { minEyeDistance: -1 })).rejects.toMatchObject({ argument: 'minEyeDistance' });
    await expect(createRetinaFaceDetector(model, { inputSize: { width: 0, height: 3 } })).rejects.toMatchObject({ argument: 'inputSize' });
    await expect(createRetinaFaceDetector(42 as never)).rejects.toMatchObject({ argument: 'model' });
    const detector = await createRetinaFaceDetector(model);
    await expect(detector.detect(image(64, 64))).rejects.toBeInstanceOf(DiffmacError);
    await expect(detector.detect({ width: 1, height: 1, channels: 3, data: new Uint8Array(2) })).rejects.toMatchObject({ code: 'INVALID_IMAGE' });
    await detector.dispose();
    await expect(detector.detect(image(64, 64))).rejects.toMatchObject({ code: 'DETECTOR_DISPOSED' });
  });
});
