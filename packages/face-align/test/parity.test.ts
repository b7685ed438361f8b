/**
 * Parity of the converted ONNX graphs with face-api's TFJS originals (wasm backend) on real
 * photos: the same input tensors through both, max abs difference of every output.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createSession, type InferenceSession } from '@diffmac/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertFaceApiModel, createDefaultDetector, faceApiModelDir, type FaceApiModelName } from '../src/index';
import { squareResize, toRgb255 } from '@diffmac/base';
import { alignDir, readRgb, type RgbImage, testCacheDir } from './detect-helpers';

const require = createRequire(import.meta.url);
// face-api's node-wasm entry requires these two CommonJS packages; share their instances.
const tf = require('@tensorflow/tfjs');
const wasm = require('@tensorflow/tfjs-backend-wasm');
const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js');

/** A tf.io load handler reading a face-api weights manifest and its shards from disk. */
function fileHandler(model: string) {
  return {
    async load() {
      const dir = faceApiModelDir();
      const manifest = JSON.parse(readFileSync(join(dir, `${model}-weights_manifest.json`), 'utf8')) as { paths: string[]; weights: unknown[] }[];
      const buffers = manifest.flatMap((g) => g.paths.map((p) => readFileSync(join(dir, p))));
      const all = Buffer.concat(buffers);
      return {
        weightSpecs: manifest.flatMap((g) => g.weights),
        weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength),
      };
    },
  };
}

async function loadTfjs(net: { loadFromWeightMap(map: unknown): void }, model: string) {
  const artifacts = await fileHandler(model).load();
  net.loadFromWeightMap(tf.io.decodeWeights(artifacts.weightData, artifacts.weightSpecs));
}

const sessions: Partial<Record<FaceApiModelName, InferenceSession>> = {};
async function onnx(model: FaceApiModelName, input: Float32Array, size: number, batch = 1) {
  sessions[model] ??= await createSession((await convertFaceApiModel(model, { cacheDir: testCacheDir })).bytes);
  return sessions[model].run({ image: { data: input, shape: [batch, size, size, 3] } });
}

function maxAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

function netInput(img: RgbImage, rect: { x: number; y: number; width: number; height: number }, size: number, centre: boolean) {
  const data = new Float32Array(size * size * 3);
  squareResize(toRgb255(img), rect, size, centre, data, 0);
  return data;
}

let photo: RgbImage;
let group: RgbImage;
beforeAll(async () => {
  wasm.setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'))}/dist/`);
  expect(await tf.setBackend('wasm')).toBe(true);
  await tf.ready();
  expect(tf.getBackend()).toBe('wasm');
  await loadTfjs(faceapi.nets.ssdMobilenetv1, 'ssd_mobilenetv1_model');
  await loadTfjs(faceapi.nets.faceLandmark68Net, 'face_landmark_68_model');
  await loadTfjs(faceapi.nets.faceRecognitionNet, 'face_recognition_model');
  photo = await readRgb(new URL('inputs/blake_lively.png', alignDir));
  group = await readRgb(new URL('inputs/gfpgan_10045.png', alignDir));
}, 120_000);
afterAll(async () => {
  for (const s of Object.values(sessions)) await s?.dispose();
});

describe('converted face-api models match TFJS', () => {
  it('SSD MobileNet v1: decoded boxes and scores', async () => {
    const input = netInput(photo, { x: 0, y: 0, width: photo.width, height: photo.height }, 512, false);
    const out = await onnx('ssd_mobilenetv1', input, 512);
    const t = tf.tensor4d(input, [1, 512, 512, 3]);
    const ref = faceapi.nets.ssdMobilenetv1.forwardInput(await faceapi.toNetInput(t));
    const boxes = ref.boxes[0].dataSync() as Float32Array;
    const scores = ref.scores[0].dataSync() as Float32Array;
    t.dispose();
    expect(maxAbs(out.boxes!.data as Float32Array, boxes)).toBeLessThan(1e-5);
    expect(maxAbs(out.scores!.data as Float32Array, scores)).toBeLessThan(1e-5);
    expect(Math.max(...scores)).toBeGreaterThan(0.9);
  });

  it('68-point landmark net on face crops (batch of 2)', async () => {
    const a = netInput(photo, { x: 102, y: 125, width: 140, height: 177 }, 112, true);
    const b = netInput(group, { x: 172, y: 87, width: 79, height: 134 }, 112, true);
    const both = new Float32Array(a.length * 2);
    both.set(a);
    both.set(b, a.length);
    const out = (await onnx('face_landmark_68', both, 112, 2)).landmarks!.data as Float32Array;
    for (const [k, x] of [a, b].entries()) {
      const t = tf.tensor4d(x, [1, 112, 112, 3]);
      const ref = faceapi.nets.faceLandmark68Net.runNet(await faceapi.toNetInput(t));
      expect(maxAbs(out.subarray(k * 136, (k + 1) * 136), ref.dataSync())).toBeLessThan(1e-5);
      ref.dispose();
      t.dispose();
    }
  });

  it('128-D recognition net on face crops', async () => {
    const x = netInput(group, { x: 377, y: 120, width: 80, height: 100 }, 150, true);
    const out = (await onnx('face_recognition', x, 150)).descriptor!.data as Float32Array;
    const t = tf.tensor4d(x, [1, 150, 150, 3]);
    const ref = (await faceapi.nets.faceRecognitionNet.computeFaceDescriptor(t)) as Float32Array;
    t.dispose();
    expect(maxAbs(out, ref)).toBeLessThan(1e-5);
  });

  it("the whole detector agrees with face-api's detectAllFaces", async () => {
    const detector = await createDefaultDetector({ cacheDir: testCacheDir, landmarks: false });
    const ours = await detector.detect(group);
    await detector.dispose();
    const t = tf.tensor3d(group.data, [group.height, group.width, 3], 'int32');
    const ref = await faceapi.detectAllFaces(t, new faceapi.SsdMobilenetv1Options({ minConfidence: 0.5 }));
    t.dispose();
    expect(ours.length).toBe(ref.length);
    ref.forEach((r: { score: number; box: { x: number; y: number; right: number; bottom: number } }, i: number) => {
      expect(ours[i]!.score).toBeCloseTo(r.score, 5);
      // face-api maps boxes through rounded resize dimensions; ours through the exact padded square.
      const b = ours[i]!.box;
      expect(Math.abs(b[0] - r.box.x)).toBeLessThan(1.5);
      expect(Math.abs(b[1] - r.box.y)).toBeLessThan(1.5);
      expect(Math.abs(b[2] - r.box.right)).toBeLessThan(1.5);
      expect(Math.abs(b[3] - r.box.bottom)).toBeLessThan(1.5);
    });
  });
});
