#!/usr/bin/env node
// Whole-photo against tiled detection (the embedded face-api detector, 1 thread) on canvases of
// 0.3, 2 and 12 MP filled with copies of a golden group photo. From the repository root:
//   npm run build -w @diffmac/base -w @diffmac/core -w @diffmac/face-align && node packages/face-align/bench/tiled-detector.mjs
import { readImage } from '@diffmac/core';
import { goldenPath } from '../../../scripts/golden.mjs';
import { createDefaultDetector, createTiledDetector } from '../dist/index.js';
const photo = await readImage(goldenPath('align', 'inputs', 'gfpgan_10045.png'), { channels: 'rgb', depth: 8 });
const plain = await createDefaultDetector({ threads: 1 });
const tiled = createTiledDetector(plain);
function canvas(w, h) {
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x += photo.width) {
    const n = Math.min(photo.width, w - x) * 3;
    data.set(photo.data.subarray((y % photo.height) * photo.width * 3, (y % photo.height) * photo.width * 3 + n), (y * w + x) * 3);
  }
  return { width: w, height: h, channels: 3, data };
}
for (const [w, h] of [[640, 480], [1732, 1155], [4000, 3000]]) {
  const img = canvas(w, h);
  for (const [name, d] of [['whole photo', plain], ['tiled', tiled]]) {
    await d.detect(img);
    const t0 = performance.now(); const faces = await d.detect(img); const ms = performance.now() - t0;
    process.stdout.write(`${(w * h / 1e6).toFixed(1)} MP ${name}: ${faces.length} faces, ${ms.toFixed(0)} ms\n`);
  }
}
await plain.dispose();
