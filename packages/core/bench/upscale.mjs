#!/usr/bin/env node
// ESRGAN-medium ×2 and ×4: megapixels of output per second through @diffmac/core (converted ONNX,
// onnxruntime, tiled) against the same TFJS layers model in @tensorflow/tfjs's CPU backend, in
// interleaved rounds of one run; then the peak RSS of one 12-megapixel output (×4 of 866×866).
//
//   npx nx run core:build && node packages/core/bench/upscale.mjs [--rounds 5] [--skip-12mp]
import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { createEsrganUpsampler, esrganModelDir } from '../dist/index.js';

const args = process.argv.slice(2);
const rounds = Number(args[args.indexOf('--rounds') + 1]) || 5;
await tf.setBackend('cpu');

function input(size) {
  const data = new Uint8Array(size * size * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37 + (i >> 7) * 11) % 256;
  return { width: size, height: size, channels: 3, data };
}

const results = [];
for (const scale of [2, 4]) {
  const size = 128; // one tile: both sides run the same network on the same pixels
  const img = input(size);
  const up = await createEsrganUpsampler({ scale, tileSize: size });
  const dir = `${esrganModelDir()}/x${scale}`;
  const json = JSON.parse(await readFile(`${dir}/model.json`, 'utf8'));
  const bin = await readFile(`${dir}/group1-shard1of1.bin`);
  const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.length) }));
  const x = tf.tensor4d(Float32Array.from(img.data), [1, size, size, 3]);
  const outMp = (size * scale) ** 2 / 1e6;
  const sides = {
    diffmac: async () => up.upsample(img),
    tfjs: async () => {
      const y = model.predict(x);
      await y.data();
      y.dispose();
    },
  };
  await sides.diffmac();
  await sides.tfjs();
  const times = { diffmac: [], tfjs: [] };
  const load = [];
  for (let r = 0; r < rounds; r++) {
    load.push(loadavg()[0]);
    for (const [name, fn] of Object.entries(sides)) {
      const t0 = performance.now();
      await fn();
      times[name].push((performance.now() - t0) / 1000);
    }
  }
  const stat = (a) => [...a].sort((p, q) => p - q);
  const d = stat(times.diffmac), t = stat(times.tfjs);
  results.push({ scale, mpPerS: { diffmac: outMp / d[0], tfjs: outMp / t[0] }, median: { diffmac: outMp / d[Math.floor(d.length / 2)], tfjs: outMp / t[Math.floor(t.length / 2)] }, load });
  await up.dispose();
  x.dispose();
}
console.log('| model | diffmac MP/s (best, median) | TFJS CPU MP/s (best, median) | ratio (best) |\n| --- | ---: | ---: | ---: |');
for (const r of results) {
  console.log(`| ESRGAN-medium ×${r.scale}, 128² in | ${r.mpPerS.diffmac.toFixed(3)}, ${r.median.diffmac.toFixed(3)} | ${r.mpPerS.tfjs.toFixed(3)}, ${r.median.tfjs.toFixed(3)} | ${(r.mpPerS.diffmac / r.mpPerS.tfjs).toFixed(1)}× |`);
}
console.log(`\n${rounds} interleaved rounds; load average ${Math.min(...results.flatMap((r) => r.load)).toFixed(2)}–${Math.max(...results.flatMap((r) => r.load)).toFixed(2)}`);

if (!args.includes('--skip-12mp')) {
  const up = await createEsrganUpsampler({ scale: 4 });
  const before = process.memoryUsage().rss;
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const t0 = performance.now();
  const out = await up.upsample(input(866));
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  console.log(`12 MP output (${out.width}×${out.height}, ×4, tiles of 128): ${((performance.now() - t0) / 1000).toFixed(1)} s, peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB (${(before / 2 ** 20).toFixed(0)} MiB before)`);
  await up.dispose();
}
