#!/usr/bin/env node
// Embedded face detector speed: the converted ONNX graphs on onnxruntime-node (through core's
// createSession) against face-api's TFJS originals on the wasm backend, same inputs, same run.
// Usage (from the repository root, after `npx nx build @diffmac/face-align`):
//   node packages/face-align/bench/detector-bench.mjs [--runs 15]
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { availableParallelism, tmpdir } from 'node:os';
import sharp from 'sharp';
import { createSession } from '@diffmac/core';
import { convertFaceApiModel, createDefaultDetector, faceApiModelDir } from '@diffmac/face-align';
import { goldenPath } from '../../../scripts/golden.mjs';

const require = createRequire(import.meta.url);
const tf = require('@tensorflow/tfjs');
const wasm = require('@tensorflow/tfjs-backend-wasm');
const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js');
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 15;
const cacheDir = join(tmpdir(), 'diffmac-face-align-bench-cache');

wasm.setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'))}/dist/`);
await tf.setBackend('wasm');
await tf.ready();
for (const [net, model] of [
  [faceapi.nets.ssdMobilenetv1, 'ssd_mobilenetv1_model'],
  [faceapi.nets.faceLandmark68Net, 'face_landmark_68_model'],
  [faceapi.nets.faceRecognitionNet, 'face_recognition_model'],
]) {
  const manifest = JSON.parse(readFileSync(join(faceApiModelDir(), `${model}-weights_manifest.json`), 'utf8'));
  const bin = Buffer.concat(manifest.flatMap((g) => g.paths.map((p) => readFileSync(join(faceApiModelDir(), p)))));
  net.loadFromWeightMap(tf.io.decodeWeights(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength), manifest.flatMap((g) => g.weights)));
}

async function median(fn) {
  await fn();
  await fn();
  const t = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    await fn();
    t.push(performance.now() - s);
  }
  t.sort((a, b) => a - b);
  return t[Math.floor(t.length / 2)];
}

const photoPath = goldenPath('align', 'inputs', 'blake_lively.png');
const { data, info } = await sharp(photoPath).removeAlpha().raw().toBuffer({ resolveWithObject: true });
const photo = { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data) };
const rows = [];
const rand = (n) => Float32Array.from({ length: n }, (_, i) => (i * 7919) % 256);

for (const [name, model, size, batch, run] of [
  ['SSD MobileNet v1, 1×512²', 'ssd_mobilenetv1', 512, 1, (t) => { const r = faceapi.nets.ssdMobilenetv1.forwardInput(new faceapi.NetInput([t])); r.boxes.forEach((b) => b.dataSync()); r.boxes.concat(r.scores).forEach((x) => x.dispose()); }],
  ['68-landmark net, 1×112²', 'face_landmark_68', 112, 1, (t) => { const r = faceapi.nets.faceLandmark68Net.runNet(new faceapi.NetInput([t])); r.dataSync(); r.dispose(); }],
  ['recognition net, 1×150²', 'face_recognition', 150, 1, (t) => { const r = faceapi.nets.faceRecognitionNet.forwardInput(new faceapi.NetInput([t])); r.dataSync(); r.dispose(); }],
  ['recognition net, 8×150²', 'face_recognition', 150, 8, (t) => { const r = faceapi.nets.faceRecognitionNet.forwardInput(new faceapi.NetInput(tf.unstack(t).map((x) => x.expandDims()))); r.dataSync(); r.dispose(); }],
]) {
  const input = rand(batch * size * size * 3);
  const session = await createSession((await convertFaceApiModel(model, { cacheDir })).bytes);
  const ort = await median(() => session.run({ image: { data: input, shape: [batch, size, size, 3] } }));
  await session.dispose();
  const t = tf.tensor4d(input, [batch, size, size, 3]);
  const tfjs = await median(() => tf.tidy(() => run(t)));
  t.dispose();
  rows.push([name, tfjs, ort]);
}

const detector = await createDefaultDetector({ cacheDir });
const ours = await median(() => detector.detect(photo));
await detector.dispose();
const tensor = tf.tensor3d(photo.data, [photo.height, photo.width, 3], 'int32');
const theirs = await median(() => faceapi.detectAllFaces(tensor, new faceapi.SsdMobilenetv1Options({ minConfidence: 0.5 })).withFaceLandmarks());
tensor.dispose();
rows.push([`whole detect() with landmarks, ${photo.width}×${photo.height} photo, 2 faces`, theirs, ours]);

console.log(`Node ${process.version}, ${availableParallelism()} cores, tfjs ${tf.version.tfjs} (${tf.getBackend()}), median of ${runs} runs\n`);
console.log('| what | TFJS wasm ms | ONNX (onnxruntime-node) ms | speed-up |');
console.log('| --- | ---: | ---: | ---: |');
for (const [name, a, b] of rows) console.log(`| ${name} | ${a.toFixed(1)} | ${b.toFixed(1)} | ${(a / b).toFixed(1)}× |`);
